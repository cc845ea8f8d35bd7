// One rank's part of a rule-184 road: its packed cells, deep halos exchanged around the ring while
// the interior tiles advance, and the step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

class Rule184Road final : public Road {
 public:
  Rule184Road(const Comm& comm, const Decomposition& decomposition, RoadOptions options = {});

  std::span<const std::uint64_t> words() const override { return current_; }
  std::span<std::uint64_t> words() override { return current_; }

  // The most steps one advance() may take: the halo depth in cells (halo_plan.hpp); 1 on an open road.
  std::uint64_t stepsPerExchange() const override { return open() ? 1 : haloCells_; }
  // Road's advance, with the halo exchange overlapped with the tiles that do not need the halos.
  // Rule 184 needs no step number (it has no randomness); a step's distance is its moves. A
  // detector's arrivals are the cars that moved into its cell (from the cell before it).
  void advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
               std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) override;
  // One step; returns the cars of this rank that moved.
  std::uint64_t step();

 private:
  void closeEnds();
  void actAtEnds(std::uint64_t step, std::span<const LocalDetector> detectors, std::span<std::uint64_t> distances,
                 std::span<std::uint64_t> arrivals);

  RoadOptions options_;
  std::uint64_t haloCells_;
  std::vector<std::uint64_t> current_;
  std::vector<std::uint64_t> next_;
  std::vector<std::uint64_t> probes_;  // the detectors' cells as offsets into this rank's range
};

}  // namespace convoy
