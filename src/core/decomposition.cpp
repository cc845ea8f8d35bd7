#include "convoy/core/decomposition.hpp"

#include <algorithm>
#include <cassert>

#include "convoy/core/packed_road.hpp"

namespace convoy {

Decomposition::Decomposition(std::uint64_t cells, int ranks)
    : cells_(cells),
      ranks_(ranks),
      words_(packed::wordsFor(cells)),
      activeRanks_(static_cast<int>(std::min<std::uint64_t>(words_, static_cast<std::uint64_t>(ranks)))),
      base_(words_ / static_cast<std::uint64_t>(ranks)),
      extra_(words_ % static_cast<std::uint64_t>(ranks)) {
  assert(ranks >= 1);
}

CellRange Decomposition::range(int rank) const {
  assert(rank >= 0 && rank < ranks_);
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t firstWord = r * base_ + std::min(r, extra_);
  const std::uint64_t endWord = firstWord + base_ + (r < extra_ ? 1 : 0);
  return {std::min(firstWord * packed::kCellsPerWord, cells_), std::min(endWord * packed::kCellsPerWord, cells_)};
}

int Decomposition::owner(std::uint64_t cell) const {
  assert(cell < cells_);
  const std::uint64_t word = cell / packed::kCellsPerWord;
  const std::uint64_t bigBlocks = extra_ * (base_ + 1);  // words owned by the ranks with one extra
  if (word < bigBlocks) return static_cast<int>(word / (base_ + 1));
  return static_cast<int>(extra_ + (word - bigBlocks) / base_);
}

std::uint64_t Decomposition::fewestCells() const {
  // Ranks own base_ + 1 or base_ words, the later ones the fewer, and only the last active rank may
  // own a partly used word: it owns the fewest cells.
  return activeRanks_ == 0 ? 0 : range(activeRanks_ - 1).cells();
}

int Decomposition::leftNeighbour(int rank) const { return (rank + activeRanks_ - 1) % activeRanks_; }

int Decomposition::rightNeighbour(int rank) const { return (rank + 1) % activeRanks_; }

}  // namespace convoy
