#include "convoy/decomposition.hpp"

#include <algorithm>
#include <cassert>

namespace convoy {

Decomposition::Decomposition(std::uint64_t cells, int ranks)
    : cells_(cells),
      ranks_(ranks),
      activeRanks_(static_cast<int>(std::min<std::uint64_t>(cells, static_cast<std::uint64_t>(ranks)))),
      base_(cells / static_cast<std::uint64_t>(ranks)),
      extra_(cells % static_cast<std::uint64_t>(ranks)) {
  assert(ranks >= 1);
}

CellRange Decomposition::range(int rank) const {
  assert(rank >= 0 && rank < ranks_);
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t begin = r * base_ + std::min(r, extra_);
  return {begin, begin + base_ + (r < extra_ ? 1 : 0)};
}

int Decomposition::owner(std::uint64_t cell) const {
  assert(cell < cells_);
  const std::uint64_t bigBlocks = extra_ * (base_ + 1);  // cells owned by the ranks with one extra
  if (cell < bigBlocks) return static_cast<int>(cell / (base_ + 1));
  return static_cast<int>(extra_ + (cell - bigBlocks) / base_);
}

int Decomposition::leftNeighbour(int rank) const { return (rank + activeRanks_ - 1) % activeRanks_; }

int Decomposition::rightNeighbour(int rank) const { return (rank + 1) % activeRanks_; }

}  // namespace convoy
