// One rank's part of the road: its packed cells, the halo exchange around the ring, and the step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/decomposition.hpp"
#include "convoy/rule184.hpp"

namespace convoy {

// A detector in this rank's part of the road: its cell (as an offset into the rank's range) and its
// place in the config's list of detectors.
struct LocalDetector {
  std::uint64_t offset = 0;
  std::size_t index = 0;
};

// How the road advances: halos `haloWords` x 64 cells deep (so up to that many steps per halo
// exchange, as a car moves at most one cell per step), never deeper than the fewest cells a rank
// owns, and tiles of `tileWords` words advanced all those steps while they sit in cache.
struct RoadOptions {
  std::uint64_t haloWords = 4;
  std::uint64_t tileWords = 1024;
  rule184::Isa isa = rule184::Isa::Best;  // the kernel variant (tests run each)
};

class RoadSegment {
 public:
  RoadSegment(const Comm& comm, const Decomposition& decomposition, RoadOptions options = {});

  CellRange range() const { return range_; }
  std::span<const std::uint64_t> words() const { return current_; }
  std::span<std::uint64_t> words() { return current_; }

  // The most steps one advance() may take: the halo depth in cells, the same on every rank.
  std::uint64_t stepsPerExchange() const { return haloCells_; }
  // Advances `steps` (1 .. stepsPerExchange()) rule-184 steps with one halo exchange with the ring
  // neighbours (non-blocking, overlapped with the tiles that do not need the halos). Sets moves[j]
  // to the cars of this rank that moved in step j (0-based) and adds 1 to
  // arrivals[j * detectors.size() + k] if a car moved into the cell of detectors[k] in step j (rule
  // 184: from the cell before it). Ranks that own nothing return at once, with zero moves.
  void advance(std::uint64_t steps, std::span<const LocalDetector> detectors, std::span<std::uint64_t> moves,
               std::span<std::uint64_t> arrivals);
  // One step; returns the cars of this rank that moved.
  std::uint64_t step();
  // Halo exchanges so far (each is one message to either neighbour and one from either).
  std::uint64_t exchanges() const { return exchanges_; }
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
  RoadOptions options_;
  std::uint64_t haloCells_;
  std::vector<std::uint64_t> current_;
  std::vector<std::uint64_t> next_;
  // Halo messages: this rank's first and last haloCells_ cells, and its neighbours' ones.
  std::vector<std::uint64_t> toLeft_, toRight_, fromLeft_, fromRight_;
  std::vector<std::uint64_t> probes_;
  std::uint64_t exchanges_ = 0;
};

}  // namespace convoy
