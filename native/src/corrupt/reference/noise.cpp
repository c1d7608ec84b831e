// Reference implementations: gaussian_noise shot_noise impulse_noise speckle_noise. See reference.h.
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void gaussian_noise(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void shot_noise(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void impulse_noise(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void speckle_noise(const Sample& s) {}

}  // namespace rfy::corrupt::reference
