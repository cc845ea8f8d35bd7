// The plain one-byte-per-cell rule-184 kernel, written as the workshop's C code is, as simply as
// possible. It is the tests' independent oracle and the benchmarks' baseline; it shares no code with
// the packed kernel.
#pragma once

#include <cstdint>
#include <vector>

namespace convoy::reference {

// The workshop's form: cells 1..n of `old` and `next` (n + 2 bytes each) are the road, `old[0]` and
// `old[n + 1]` the cells just outside it (the caller's halos). Returns the number of cars that moved.
std::uint64_t stepWithHalos(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next);

// A whole ring road, one byte (0 or 1) per cell. Returns the number of cars that moved.
std::uint64_t stepRing(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next);

}  // namespace convoy::reference
