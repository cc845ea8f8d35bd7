// Which global cells each rank owns. Everything that depends on ownership (init, halos, output
// hyperslabs, detectors, digests) asks this one object, so the rank count can never change a result.
#pragma once

#include <cstdint>

namespace convoy {

struct CellRange {
  std::uint64_t begin = 0;  // first global cell
  std::uint64_t end = 0;    // one past the last
  std::uint64_t cells() const { return end - begin; }
  bool empty() const { return begin == end; }
  bool contains(std::uint64_t cell) const { return cell >= begin && cell < end; }
};

// Contiguous blocks: the first (cells % ranks) ranks own one cell more than the others. When the road
// is shorter than the rank count, ranks from `activeRanks()` on own nothing.
class Decomposition {
 public:
  Decomposition(std::uint64_t cells, int ranks);

  std::uint64_t cells() const { return cells_; }
  int ranks() const { return ranks_; }
  int activeRanks() const { return activeRanks_; }
  CellRange range(int rank) const;
  int owner(std::uint64_t cell) const;
  // Ring neighbours among the ranks that own cells (a rank may be its own neighbour).
  int leftNeighbour(int rank) const;
  int rightNeighbour(int rank) const;

 private:
  std::uint64_t cells_;
  int ranks_;
  int activeRanks_;
  std::uint64_t base_;   // cells per rank, rounded down
  std::uint64_t extra_;  // ranks that own base_ + 1 cells
};

}  // namespace convoy
