// Preset constants and preset resolution (host side; device code receives the constants inside each Sample).
#pragma once

#include <cstdint>

#include "corrupt/sample.h"
#include "robustify/corrupt.h"

namespace rfy::corrupt {

int preset_size(int preset);                                  // 224, 64, 32
int resolve_preset(int preset, int64_t height, int64_t width);  // AUTO -> by min(H, W)
// Throws on an unknown corruption, a severity outside 1..5 or an unresolved preset.
void parameters(int corruption, int severity, int preset, float out[kMaxParams]);

}  // namespace rfy::corrupt
