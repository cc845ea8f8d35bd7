#include "convoy/model/braking.hpp"

#include <cmath>

namespace convoy::braking {

std::uint64_t threshold(double pBrake) {
  if (!(pBrake > 0.0)) return 0;
  if (pBrake >= 1.0) return kAlways;
  // p * 2^32 is exact in a double; rounding half up to the nearest integer.
  return static_cast<std::uint64_t>(std::floor(std::ldexp(pBrake, 32) + 0.5));
}

}  // namespace convoy::braking
