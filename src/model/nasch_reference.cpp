#include "convoy/model/nasch_reference.hpp"

#include <algorithm>

#include "convoy/core/random.hpp"

namespace convoy::reference {

bool naschBrakes(const NaschParameters& parameters, std::uint64_t step, std::uint64_t cell) {
  return naschBrakes(parameters, step, cell, parameters.brakeThreshold);
}

bool naschBrakes(const NaschParameters& parameters, std::uint64_t step, std::uint64_t cell, std::uint64_t threshold) {
  if (threshold == 0) return false;
  if (threshold >= (std::uint64_t{1} << 32)) return true;
  // Only U's top `draws` bits can decide U < P: P's lower bits are all zero.
  int draws = 32;
  while (((threshold >> (32 - draws)) & 1U) == 0) draws--;
  const std::uint64_t key = random::streamKey(parameters.seed, random::Stream::Braking, step);
  const std::uint64_t word = cell / 64;
  const std::uint64_t bit = cell % 64;
  std::uint64_t u = 0;  // the top `draws` bits of U
  for (int i = 0; i < draws; i++) {
    const std::uint64_t r = random::bits(key, word * 32 + static_cast<std::uint64_t>(i));
    u = (u << 1) | ((r >> bit) & 1U);
  }
  return u < (threshold >> (32 - draws));
}

std::uint64_t stepNaschRing(const NaschParameters& parameters, std::uint64_t step, const std::vector<std::int16_t>& old,
                            std::vector<std::int16_t>& next) {
  const std::size_t n = old.size();
  const int vmax = static_cast<int>(parameters.vmax);
  next.assign(n, -1);
  std::uint64_t distance = 0;
  for (std::size_t i = 0; i < n; i++) {
    if (old[i] < 0) continue;  // no car
    int v = old[i];
    // 1. accelerate
    v = std::min(v + 1, vmax);
    // 2. slow down to the gap: the empty cells before the next car (on a ring with one car, itself)
    int gap = 0;
    while (gap < v && old[(i + static_cast<std::size_t>(gap) + 1) % n] < 0) gap++;
    v = std::min(v, gap);
    // 3. brake at random, with p_slow if the car stood still at the start of the step
    const std::uint64_t threshold = old[i] == 0 ? parameters.slowThreshold : parameters.brakeThreshold;
    if (v > 0 && naschBrakes(parameters, step, i, threshold)) v = v - 1;
    // 4. move
    next[(i + static_cast<std::size_t>(v)) % n] = static_cast<std::int16_t>(v);
    distance += static_cast<std::uint64_t>(v);
  }
  return distance;
}

}  // namespace convoy::reference
