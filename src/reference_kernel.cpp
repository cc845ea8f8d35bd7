#include "convoy/reference_kernel.hpp"

namespace convoy::reference {

std::uint64_t stepRing(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next) {
  const std::size_t n = old.size();
  next.assign(n, 0);
  std::uint64_t moved = 0;
  for (std::size_t i = 0; i < n; i++) {
    const std::uint8_t behind = old[(i + n - 1) % n];
    const std::uint8_t here = old[i];
    const std::uint8_t ahead = old[(i + 1) % n];
    if (here == 1) {
      if (ahead == 1) {
        next[i] = 1;
      } else {
        next[i] = 0;
        moved++;
      }
    } else {
      if (behind == 1) {
        next[i] = 1;
      } else {
        next[i] = 0;
      }
    }
  }
  return moved;
}

}  // namespace convoy::reference
