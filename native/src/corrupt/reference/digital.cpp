// Reference implementations: elastic_transform pixelate jpeg_compression. See reference.h.
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void elastic_transform(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void pixelate(const Sample& s) {}

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
void jpeg_compression(const Sample& s) {}

}  // namespace rfy::corrupt::reference
