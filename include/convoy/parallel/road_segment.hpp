// One rank's part of the road: its packed cells, the halo exchange around the ring, and the step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

// Rule 184's road.
class RoadSegment final : public Road {
 public:
  RoadSegment(const Comm& comm, const Decomposition& decomposition, RoadOptions options = {});

  CellRange range() const override { return range_; }
  std::span<const std::uint64_t> words() const override { return current_; }
  std::span<std::uint64_t> words() override { return current_; }

  // The most steps one advance() may take: the halo depth in cells, the same on every rank.
  std::uint64_t stepsPerExchange() const override { return haloCells_; }
  // Advances `steps` (1 .. stepsPerExchange()) rule-184 steps with one halo exchange with the ring
  // neighbours (non-blocking, overlapped with the tiles that do not need the halos). Sets moves[j]
  // to the cars of this rank that moved in step j (0-based) and adds 1 to
  // arrivals[j * detectors.size() + k] if a car moved into the cell of detectors[k] in step j (rule
  // 184: from the cell before it). Ranks that own nothing return at once, with zero moves.
  void advance(std::uint64_t steps, std::span<const LocalDetector> detectors, std::span<std::uint64_t> moves,
               std::span<std::uint64_t> arrivals);
  // Road's advance: rule 184 needs no step number (it has no randomness); distances are moves.
  void advance(std::uint64_t /*firstStep*/, std::uint64_t steps, std::span<const LocalDetector> detectors,
               std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) override {
    advance(steps, detectors, distances, arrivals);
  }
  // One step; returns the cars of this rank that moved.
  std::uint64_t step();
  // Halo exchanges so far (each is one message to either neighbour and one from either).
  std::uint64_t exchanges() const override { return exchanges_; }
  // The detectors, of the global list `cells`, that lie in this rank's part of the road.
  std::vector<LocalDetector> localDetectors(std::span<const std::uint64_t> cells) const override;

  std::uint64_t localCars() const override;
  // Collective: the whole road's car count and digest.
  std::uint64_t globalCars() const override;
  std::uint64_t globalDigest() const override;

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
