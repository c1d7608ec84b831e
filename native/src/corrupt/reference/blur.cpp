// Reference implementations: defocus_blur glass_blur motion_blur zoom_blur gaussian_blur snow. See reference.h.
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void defocus_blur(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void glass_blur(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void motion_blur(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void zoom_blur(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void gaussian_blur(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void snow(const Sample& s) {}

}  // namespace rfy::corrupt::reference
