// The Nagel-Schreckenberg model as a C programmer writes it: one byte per cell (-1 empty, else the
// car's velocity), one loop over the cells, a wrap by subtraction on the ring, a xorshift generator
// of its own.
// The benchmark's baseline (not convoy's random numbers: its results differ from convoy's).
#pragma once

#include <cstdint>
#include <vector>

namespace convoy::bench {

// One step of the ring `old` into `next` (resized); returns the cells moved. `state` is the
// generator's state (non-zero); a car brakes when the generator's top 32 bits are below `threshold`.
std::uint64_t plainNaschStep(const std::vector<std::int8_t>& old, std::vector<std::int8_t>& next, int vmax,
                             std::uint64_t threshold, std::uint64_t& state);

}  // namespace convoy::bench
