// The run loop: steps the road, reduces the per-step move counts in blocks, reports and logs
// progress. No collective call in the per-step path.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/road_segment.hpp"

namespace convoy {

// The global move counts of consecutive steps firstStep, firstStep + 1, ...
struct FlowBlock {
  std::uint64_t firstStep = 0;
  std::span<const std::int64_t> moves;
};

struct RunSummary {
  std::uint64_t steps = 0;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  double seconds = 0.0;  // wall time of the step loop
  double lastMeanVelocity = 0.0;
  std::uint64_t digest = 0;
  double mcops() const;  // million cell updates per second
};

// Mean velocity of a step: cars that moved / cars (0 on an empty road).
double meanVelocity(std::int64_t moves, std::uint64_t cars);

class Simulation {
 public:
  Simulation(const Comm& comm, const Config& config);

  // Called on every rank, in step order, with every block of reduced move counts.
  void onFlowBlock(std::function<void(const FlowBlock&)> observer) { observers_.push_back(std::move(observer)); }

  RunSummary run();
  const RoadSegment& road() const { return road_; }

 private:
  std::uint64_t nextSyncStep(std::uint64_t step, std::uint64_t stepsPerSync) const;

  const Comm& comm_;
  Config config_;
  Decomposition decomposition_;
  RoadSegment road_;
  std::uint64_t cars_ = 0;
  std::vector<std::function<void(const FlowBlock&)>> observers_;
};

}  // namespace convoy
