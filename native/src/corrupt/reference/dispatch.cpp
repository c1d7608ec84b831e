#include "corrupt/corruptions.h"
#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

void corrupt_sample(const Sample& s) {
  switch (s.corruption) {
#define RFY_REF_CASE(ID, name) \
  case RFY_CORRUPT_##ID:       \
    name(s);                   \
    break;
    RFY_CORRUPTIONS(RFY_REF_CASE)
#undef RFY_REF_CASE
    default:
      break;
  }
}

}  // namespace rfy::corrupt::reference
