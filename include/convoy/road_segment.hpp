// One rank's part of the road: its packed cells, the halo exchange around the ring, and the step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/decomposition.hpp"

namespace convoy {

// A detector in this rank's part of the road: its cell (as an offset into the rank's range) and its
// place in the config's list of detectors.
struct LocalDetector {
  std::uint64_t offset = 0;
  std::size_t index = 0;
};

class RoadSegment {
 public:
  RoadSegment(const Comm& comm, const Decomposition& decomposition);

  CellRange range() const { return range_; }
  std::span<const std::uint64_t> words() const { return current_; }
  std::span<std::uint64_t> words() { return current_; }

  // Exchanges the boundary cells with the ring neighbours and advances one rule-184 step.
  // Returns the cars of this rank that moved. Ranks that own nothing return 0 at once.
  std::uint64_t step() { return step({}, {}); }
  // The same, also adding to counts[d.index] the car (if any) that moves into the cell of each local
  // detector d in this step (rule 184: from the cell before it).
  std::uint64_t step(std::span<const LocalDetector> detectors, std::span<std::int64_t> counts);
  // The detectors, of the global list `cells`, that lie in this rank's part of the road.
  std::vector<LocalDetector> localDetectors(std::span<const std::uint64_t> cells) const;

  std::uint64_t localCars() const;
  // Collective: the whole road's car count and digest.
  std::uint64_t globalCars() const;
  std::uint64_t globalDigest() const;

 private:
  Comm comm_;  // a copy: it only wraps the MPI handle, which the caller keeps alive
  Decomposition decomposition_;
  CellRange range_;
  std::vector<std::uint64_t> current_;
  std::vector<std::uint64_t> next_;
};

}  // namespace convoy
