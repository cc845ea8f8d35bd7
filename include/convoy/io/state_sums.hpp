// What a reader adds up over the road of a state file, piece by piece, to check it against what the
// file claims: the digest sum (docs/model.md), the cars, and whether any bit past the last cell is
// set. Pure arithmetic: the collective readers sum it over the ranks, convoy-flow over its pieces.
#pragma once

#include <cstdint>
#include <span>

namespace convoy::io {

struct StateSums {
  std::uint64_t digestSum = 0;  // modulo 2^64
  std::uint64_t cars = 0;
  std::uint64_t paddingWords = 0;     // words with bits set past the road's last cell
  std::uint64_t strayVelocities = 0;  // words with a velocity bit on a cell without a car
  std::uint64_t planesBeyond = 0;     // words with bits in planes from `keptPlanes` on (too fast for the run)

  // Global occupancy words firstWord, firstWord + 1, ... of a road of `cells` cells, with their
  // velocity planes (`planes[b]` the same words of plane b; none for rule 184).
  void add(std::uint64_t cells, std::uint64_t firstWord, std::span<const std::uint64_t> occupancy,
           std::span<const std::span<const std::uint64_t>> planes, std::size_t keptPlanes = 8);
  // The sums of another part of the road (another piece, another rank).
  void merge(const StateSums& other);
  std::uint64_t digest(std::uint64_t cells) const;
};

}  // namespace convoy::io
