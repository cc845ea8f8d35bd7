// The rule-184 kernels: pure functions over plain arrays, no MPI, no I/O.
//
// A car moves one cell forward (towards higher index) if the cell ahead was empty at the start of
// the step; all cars move at once. new[i] = (old[i-1] & !old[i]) | (old[i] & old[i+1]).
#pragma once

#include <cstdint>
#include <span>

namespace convoy::rule184 {

// One step of a segment of `cells` cells packed in `old` (padding zero) whose outside neighbours are
// `leftHalo` (the cell before the first) and `rightHalo` (the cell after the last). Writes the new
// segment into `next` (padding zero) and returns the number of cars that moved.
// `old` and `next` hold packed::wordsFor(cells) words each and must not overlap.
std::uint64_t stepPacked(std::span<const std::uint64_t> old, std::span<std::uint64_t> next, std::uint64_t cells,
                         bool leftHalo, bool rightHalo);

}  // namespace convoy::rule184
