// One rank's part of the road: its packed cells, the halo exchange around the ring, and the step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/decomposition.hpp"

namespace convoy {

class RoadSegment {
 public:
  RoadSegment(const Comm& comm, const Decomposition& decomposition);

  CellRange range() const { return range_; }
  std::span<const std::uint64_t> words() const { return current_; }
  std::span<std::uint64_t> words() { return current_; }

  // Exchanges the boundary cells with the ring neighbours and advances one rule-184 step.
  // Returns the cars of this rank that moved. Ranks that own nothing return 0 at once.
  std::uint64_t step();

  std::uint64_t localCars() const;
  // Collective: the whole road's car count and digest.
  std::uint64_t globalCars() const;
  std::uint64_t globalDigest() const;

 private:
  const Comm& comm_;
  Decomposition decomposition_;
  CellRange range_;
  std::vector<std::uint64_t> current_;
  std::vector<std::uint64_t> next_;
};

}  // namespace convoy
