// Reference implementations: brightness contrast saturate. See reference.h.
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void brightness(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void contrast(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void saturate(const Sample& s) {}

}  // namespace rfy::corrupt::reference
