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

// Contiguous blocks of whole 64-cell words, so that every rank's part of the packed road is a run of
// whole words of the global packed road (snapshots and checkpoints are then one plain hyperslab per
// rank). The road's W = ceil(cells / 64) words are shared out as evenly as possible, the first
// (W % ranks) ranks owning one word more; the last word may be partly used. When the road has fewer
// words than there are ranks, ranks from `activeRanks()` on own nothing.
class Decomposition {
 public:
  Decomposition(std::uint64_t cells, int ranks);

  std::uint64_t cells() const { return cells_; }
  int ranks() const { return ranks_; }
  int activeRanks() const { return activeRanks_; }
  CellRange range(int rank) const;
  int owner(std::uint64_t cell) const;
  // The fewest cells any rank that owns cells owns (0 for an empty road): how deep a halo every rank
  // can take from one neighbour alone.
  std::uint64_t fewestCells() const;
  // Ring neighbours among the ranks that own cells (a rank may be its own neighbour).
  int leftNeighbour(int rank) const;
  int rightNeighbour(int rank) const;

 private:
  std::uint64_t cells_;
  int ranks_;
  std::uint64_t words_;
  int activeRanks_;
  std::uint64_t base_;   // words per rank, rounded down
  std::uint64_t extra_;  // ranks that own base_ + 1 words
};

}  // namespace convoy
