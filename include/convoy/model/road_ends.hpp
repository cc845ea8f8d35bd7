// The ends of an open road (docs/model.md, "Open roads"): whether a car enters cell 0 and whether the
// car in the last cell leaves, in a step. Pure functions of (seed, step), like every other draw, so
// an open road is the same on any rank count and across restarts.
//
// For step t: key = random::streamKey(seed, Stream::Inflow, t); a car enters iff
// random::bernoulli(key, 0, A) and leaves iff random::bernoulli(key, 1, B), with
// A = bernoulliThreshold(alpha) and B = bernoulliThreshold(beta). The entry needs cell 0 empty at the
// start of the step, the exit a car in the last cell; the draws are made whatever the road holds.
#pragma once

#include <cstdint>

#include "convoy/core/random.hpp"

namespace convoy::road_ends {

struct Ends {
  std::uint64_t seed = 0;
  std::uint64_t entryThreshold = 0;  // A: random::bernoulliThreshold(alpha)
  std::uint64_t exitThreshold = 0;   // B: random::bernoulliThreshold(beta)
};

Ends fromProbabilities(std::uint64_t seed, double alpha, double beta);

constexpr std::uint64_t stepKey(const Ends& ends, std::uint64_t step) {
  return random::streamKey(ends.seed, random::Stream::Inflow, step);
}
// Whether a car enters cell 0 in step `step`, if it is empty at the start of the step.
constexpr bool entryOpens(const Ends& ends, std::uint64_t step) {
  return random::bernoulli(stepKey(ends, step), 0, ends.entryThreshold);
}
// Whether the car in the last cell at the start of step `step` leaves the road in it.
constexpr bool exitOpens(const Ends& ends, std::uint64_t step) {
  return random::bernoulli(stepKey(ends, step), 1, ends.exitThreshold);
}

}  // namespace convoy::road_ends
