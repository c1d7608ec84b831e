// Reference implementations: frost fog spatter. See reference.h.
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void frost(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void fog(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void spatter(const Sample& s) {}

}  // namespace rfy::corrupt::reference
