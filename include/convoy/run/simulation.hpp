// The run loop: steps the road, reduces the per-step counts in blocks, reports and logs progress,
// and calls the outputs at the steps they are due. No collective call in the per-step path.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/model/flow_ledger.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

// What the ranks learnt at one meeting: the global move counts of steps firstStep, firstStep + 1, ...
// and the time-series rows completed in those steps. Identical on every rank.
struct FlowBlock {
  std::uint64_t firstStep = 0;
  std::span<const std::int64_t> moves;
  std::span<const std::uint64_t> cars;  // the cars on the road at the start of each of those steps
  std::span<const FlowRow> rows;
  double elapsedSeconds = 0.0;  // rank 0's wall time since the loop started
};

// Where a run segment starts: step 0, or a checkpoint's step and the time-series interval it left open.
struct StartPoint {
  std::uint64_t step = 0;
  FlowRow openRow;
};

// What every rank knows alike at a meeting of the ranks, for decisions all must take together.
struct SyncPoint {
  std::uint64_t step = 0;
  double elapsedSeconds = 0.0;  // rank 0's wall time since the loop started
  double secondsPerStep = 0.0;  // measured over this segment so far
  double secondsPerSync = 0.0;  // roughly how long until the next meeting
  std::int64_t stopVotes = 0;   // the sum of the ranks' stop votes
  const FlowRow* openRow = nullptr;
  bool finished = false;  // step == run.steps
};

struct RunSummary {
  std::uint64_t firstStep = 0;  // the step this segment started from
  std::uint64_t lastStep = 0;   // the step it ended at
  bool stoppedEarly = false;
  std::uint64_t steps = 0;  // steps run in this segment
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;       // at the start of the segment
  std::uint64_t carsAtEnd = 0;  // at its end (the same on a ring road)
  double seconds = 0.0;         // wall time of the step loop
  double lastMeanVelocity = 0.0;
  std::uint64_t digest = 0;
  double mcops() const;  // million cell updates per second
};

class Simulation {
 public:
  // Collective. `road` holds the state to start from (filled by the caller: a random road, init.from
  // or a checkpoint), at `start`.
  Simulation(const Comm& comm, const Config& config, std::unique_ptr<Road> road, StartPoint start = {});

  // Called on every rank, in step order, with every block the ranks reduce.
  void onFlowBlock(std::function<void(const FlowBlock&)> observer) { observers_.push_back(std::move(observer)); }
  // Makes the ranks meet at every multiple of `every` steps (0: never) and calls `action(step)` there
  // on every rank, for collective work such as snapshots.
  void atEveryMultipleOf(std::uint64_t every, std::function<void(std::uint64_t step)> action);
  // Calls `sample(step)` on every rank, without any communication, after every step that is a
  // multiple of `every` (0: never), for outputs that record local state (the space-time window).
  void sampleAtEveryMultipleOf(std::uint64_t every, std::function<void(std::uint64_t step)> sample);
  // This rank's stop vote at every meeting (its sum over the ranks reaches SyncPoint::stopVotes).
  void setStopVote(std::function<std::int64_t()> vote) { stopVote_ = std::move(vote); }
  // Called on every rank after every meeting; returning false stops the run there.
  void onSync(std::function<bool(const SyncPoint&)> keepGoing) { keepGoing_ = std::move(keepGoing); }

  RunSummary run();
  const Road& road() const { return *road_; }
  // The cars on the road now (after the last block the ranks reduced): they change on open roads.
  std::uint64_t cars() const { return cars_; }
  const Decomposition& decomposition() const { return decomposition_; }
  std::uint64_t startStep() const { return start_.step; }

 private:
  struct Cadence {
    std::uint64_t every;
    std::function<void(std::uint64_t)> action;
  };
  std::uint64_t nextSyncStep(std::uint64_t step, std::uint64_t stepsPerSync) const;
  // The first step after `step` at which a sampler wants the road (the largest step if none does).
  std::uint64_t nextSampleStep(std::uint64_t step) const;
  void runBlock(FlowLedger& ledger, std::span<const LocalDetector> detectors);
  void reportVelocities(const FlowBlock& block) const;

  Comm comm_;  // a copy: it only wraps the MPI handle, which the caller keeps alive
  Config config_;
  Decomposition decomposition_;
  std::unique_ptr<Road> road_;
  StartPoint start_;
  std::uint64_t cars_ = 0;
  std::function<std::int64_t()> stopVote_;
  std::function<bool(const SyncPoint&)> keepGoing_;
  std::vector<std::function<void(const FlowBlock&)>> observers_;
  std::vector<Cadence> cadences_;
  std::vector<Cadence> samplers_;
  std::vector<std::uint64_t> advanceMoves_;     // per step of one advance
  std::vector<std::uint64_t> advanceArrivals_;  // per step and local detector of one advance
};

}  // namespace convoy
