#include "convoy/core/random.hpp"

#include <cmath>

namespace convoy::random {

std::uint64_t bernoulliThreshold(double probability) {
  if (!(probability > 0.0)) return 0;
  if (probability >= 1.0) return std::uint64_t{1} << 53;
  return static_cast<std::uint64_t>(std::ceil(std::ldexp(probability, 53)));
}

}  // namespace convoy::random
