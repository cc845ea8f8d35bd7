// The plain Nagel-Schreckenberg kernel: a whole ring road, one cell per array element (-1 empty, else
// the car's velocity; two bytes since velocities go up to 255), the four rules written literally in a
// loop over cars. It is the tests' independent oracle and the benchmark's baseline: it shares no code
// with the bit-sliced kernel, only the documented rules (docs/model.md) and random::bits/streamKey.
#pragma once

#include <cstdint>
#include <vector>

namespace convoy::reference {

struct NaschParameters {
  unsigned vmax = 5;
  std::uint64_t brakeThreshold = 0;  // P = round(p_brake * 2^32), 0 .. 2^32
  std::uint64_t seed = 0;
  std::uint64_t slowThreshold = brakeThreshold;  // P_slow = round(p_slow * 2^32), for cars standing still
};

// Whether the car in global cell `cell` brakes in step `step` against threshold `threshold` (U < P,
// docs/model.md "NaSch braking"): P for a moving car, P_slow for one that stood still.
bool naschBrakes(const NaschParameters& parameters, std::uint64_t step, std::uint64_t cell, std::uint64_t threshold);
bool naschBrakes(const NaschParameters& parameters, std::uint64_t step, std::uint64_t cell);  // against P

// One step (step >= 1) of a ring road; `next` is resized and overwritten. Returns the distance: the
// sum of the cells every car moves.
std::uint64_t stepNaschRing(const NaschParameters& parameters, std::uint64_t step, const std::vector<std::int16_t>& old,
                            std::vector<std::int16_t>& next);

}  // namespace convoy::reference
