// The plain one-byte-per-cell rule-184 kernel, written as the workshop's C code is, as simply as
// possible. It is the tests' independent oracle and the benchmarks' baseline; it shares no code with
// the packed kernel.
#pragma once

#include <cstdint>
#include <vector>

namespace convoy::reference {

// A whole ring road, one byte (0 or 1) per cell. Returns the number of cars that moved.
std::uint64_t stepRing(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next);

}  // namespace convoy::reference
