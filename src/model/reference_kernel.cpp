#include "convoy/model/reference_kernel.hpp"

namespace convoy::reference {

std::uint64_t stepWithHalos(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next) {
  const std::size_t n = old.size() - 2;
  std::uint64_t moved = 0;
  for (std::size_t i = 1; i <= n; i++) {
    if (old[i] == 1) {
      if (old[i + 1] == 1) {
        next[i] = 1;
      } else {
        next[i] = 0;
        moved++;
      }
    } else {
      if (old[i - 1] == 1) {
        next[i] = 1;
      } else {
        next[i] = 0;
      }
    }
  }
  return moved;
}

std::uint64_t stepRing(const std::vector<std::uint8_t>& old, std::vector<std::uint8_t>& next) {
  const std::size_t n = old.size();
  if (n == 0) return 0;
  std::vector<std::uint8_t> withHalos(n + 2);
  std::vector<std::uint8_t> result(n + 2);
  for (std::size_t i = 0; i < n; i++) withHalos[i + 1] = old[i];
  withHalos[0] = old[n - 1];  // the ring: the cell before the first is the last
  withHalos[n + 1] = old[0];
  const std::uint64_t moved = stepWithHalos(withHalos, result);
  next.assign(result.begin() + 1, result.end() - 1);
  return moved;
}

}  // namespace convoy::reference
