#include "convoy/run/simulation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "convoy/core/counted.hpp"

namespace convoy {
namespace {

// Ranks meet (one small allreduce) about this often: often enough for progress lines and, later,
// stop requests; rare enough to cost nothing.
constexpr double kSyncSeconds = 0.5;
constexpr std::uint64_t kMaxStepsPerSync = std::uint64_t{1} << 20;
// ... and at most this many time-series rows between two meetings, so that what rank 0 keeps for
// the series stays small however fast the steps are.
constexpr std::uint64_t kMaxRowsPerSync = std::uint64_t{1} << 16;

std::string duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(seconds));
  if (total >= 3600) return fmt::format("{}h{:02}m{:02}s", total / 3600, total / 60 % 60, total % 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{:.1f}s", seconds);
}

std::uint64_t nextMultiple(std::uint64_t step, std::uint64_t every) { return (step / every + 1) * every; }

}  // namespace

double RunSummary::mcops() const {
  return seconds > 0 ? static_cast<double>(cells) * static_cast<double>(steps) / seconds / 1e6 : 0.0;
}

Simulation::Simulation(const Comm& comm, const Config& config, std::unique_ptr<Road> road, StartPoint start)
    : comm_(comm),
      config_(config),
      decomposition_(config.road.cells, comm.size()),
      road_(std::move(road)),
      start_(std::move(start)),
      cars_(road_->globalCars()) {}

void Simulation::atEveryMultipleOf(std::uint64_t every, std::function<void(std::uint64_t)> action) {
  if (every > 0) cadences_.push_back({every, std::move(action)});
}

void Simulation::sampleAtEveryMultipleOf(std::uint64_t every, std::function<void(std::uint64_t)> sample) {
  if (every > 0) samplers_.push_back({every, std::move(sample)});
}

std::uint64_t Simulation::nextSampleStep(std::uint64_t step) const {
  std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
  for (const Cadence& sampler : samplers_) next = std::min(next, nextMultiple(step, sampler.every));
  return next;
}

std::uint64_t Simulation::nextSyncStep(std::uint64_t step, std::uint64_t stepsPerSync) const {
  std::uint64_t sync = std::min(step + stepsPerSync, config_.run.steps);
  for (const Cadence& cadence : cadences_) sync = std::min(sync, nextMultiple(step, cadence.every));
  return sync;
}

// Several steps per halo exchange, never past the block's last step (a meeting, a row or a snapshot
// may be due there); the road reports moves and detector arrivals per step, so the ledger stays exact.
void Simulation::runBlock(FlowLedger& ledger, std::span<const LocalDetector> detectors) {
  const std::uint64_t most = road_->stepsPerExchange();
  advanceMoves_.resize(most);
  advanceArrivals_.resize(most * detectors.size());
  for (std::uint64_t step = ledger.firstStep(); step <= ledger.lastStep();) {
    // An advance ends where a sampler (the space-time window) wants the road.
    const std::uint64_t last = std::min({step + most - 1, ledger.lastStep(), nextSampleStep(step - 1)});
    const std::uint64_t steps = last - step + 1;
    std::fill(advanceArrivals_.begin(), advanceArrivals_.end(), 0);
    road_->advance(step, steps, detectors, advanceMoves_, advanceArrivals_);
    for (std::uint64_t j = 0; j < steps; ++j, ++step) {
      ledger.moves(step) = static_cast<std::int64_t>(advanceMoves_[j]);
      if (ledger.openRoad()) {
        ledger.entries(step) = static_cast<std::int64_t>(road_->entriesOfLastAdvance()[j]);
        ledger.exits(step) = static_cast<std::int64_t>(road_->exitsOfLastAdvance()[j]);
      }
      const std::span<std::int64_t> counts = ledger.detectorCounts(step);
      for (std::size_t k = 0; k < detectors.size(); ++k) {
        counts[detectors[k].index] += static_cast<std::int64_t>(advanceArrivals_[j * detectors.size() + k]);
      }
    }
    for (const Cadence& sampler : samplers_) {
      if (last % sampler.every == 0) sampler.action(last);
    }
  }
}

void Simulation::reportVelocities(const FlowBlock& block) const {
  const std::uint64_t every = config_.logging.reportEvery;
  if (every == 0) return;
  for (std::uint64_t k = 0; k < block.moves.size(); ++k) {
    const std::uint64_t step = block.firstStep + k;
    if (step % every == 0)
      spdlog::info("step {}: average velocity {:.6f}", step, meanVelocity(block.moves[k], block.cars[k]));
  }
}

RunSummary Simulation::run() {
  const std::uint64_t totalSteps = config_.run.steps;
  const double cells = static_cast<double>(config_.road.cells);
  spdlog::info("road of {} with {} (density {:.6f}) on {}; steps {} to {} of {}", counted(config_.road.cells, "cell"),
               counted(cars_, "car"), static_cast<double>(cars_) / cells,
               counted(static_cast<std::uint64_t>(comm_.size()), "rank"), start_.step + 1, totalSteps,
               modelName(config_.model.type));

  RunSummary summary;
  summary.firstStep = start_.step;
  summary.cells = config_.road.cells;
  summary.cars = cars_;
  const double progressSeconds = config_.logging.progressSeconds;
  const double syncSeconds = std::max(0.001, std::min(kSyncSeconds, progressSeconds > 0 ? progressSeconds : 1.0));
  const std::vector<LocalDetector> detectors = road_->localDetectors(config_.output.detectors);
  FlowLedger ledger(config_.output.timeseriesEvery, config_.output.detectors.size(), start_.openRow, cars_,
                    road_->open());
  double lastProgressAt = 0.0;
  double elapsed = 0.0;
  std::uint64_t stepsPerSync = 1;
  const std::uint64_t rowEvery = config_.output.timeseriesEvery;
  const std::uint64_t mostStepsPerSync =
      rowEvery >= kMaxStepsPerSync / kMaxRowsPerSync ? kMaxStepsPerSync : rowEvery * kMaxRowsPerSync;
  std::uint64_t step = start_.step;
  bool keepGoing = true;

  comm_.barrier();
  const auto start = std::chrono::steady_clock::now();
  while (step < totalSteps && keepGoing) {
    ledger.begin(step + 1, nextSyncStep(step, stepsPerSync));
    runBlock(ledger, detectors);
    step = ledger.lastStep();
    // Rank 0's clock travels with the counts: every rank gets the same time and takes the same
    // decisions (how long the next block is, when to log) without another message.
    if (comm_.isRoot()) {
      ledger.extra(FlowLedger::Extra::Clock) =
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    }
    if (stopVote_) ledger.extra(FlowLedger::Extra::StopVotes) = stopVote_();
    comm_.sumInPlace(ledger.buffer());
    elapsed = static_cast<double>(ledger.extra(FlowLedger::Extra::Clock)) * 1e-9;

    const std::vector<FlowRow> rows = ledger.completedRows();
    cars_ = ledger.cars();
    const FlowBlock block{ledger.firstStep(), ledger.movesOfBlock(), ledger.carsBefore(), rows, elapsed};
    reportVelocities(block);
    for (const auto& observer : observers_) observer(block);
    for (const Cadence& cadence : cadences_) {
      if (step % cadence.every == 0) cadence.action(step);
    }
    summary.lastMeanVelocity = meanVelocity(block.moves.back(), block.cars.back());

    const double stepsPerSecond = static_cast<double>(step - start_.step) / std::max(elapsed, 1e-9);
    if (progressSeconds > 0 && elapsed - lastProgressAt >= progressSeconds && step < totalSteps) {
      lastProgressAt = elapsed;
      spdlog::info("progress: step {}/{} ({:.1f}%), {:.1f} steps/s, {:.1f} MCOPs, {} left, average velocity {:.6f}",
                   step, totalSteps, 100.0 * static_cast<double>(step) / static_cast<double>(totalSteps),
                   stepsPerSecond, stepsPerSecond * cells / 1e6,
                   duration(static_cast<double>(totalSteps - step) / stepsPerSecond), summary.lastMeanVelocity);
    }
    stepsPerSync =
        std::clamp<std::uint64_t>(static_cast<std::uint64_t>(stepsPerSecond * syncSeconds), 1, mostStepsPerSync);
    if (keepGoing_) {
      const SyncPoint point{step,
                            elapsed,
                            1.0 / stepsPerSecond,
                            static_cast<double>(stepsPerSync) / stepsPerSecond,
                            ledger.extra(FlowLedger::Extra::StopVotes),
                            &ledger.openRow(),
                            step == totalSteps};
      keepGoing = keepGoing_(point);
    }
  }

  const std::uint64_t stepsRun = step - start_.step;
  const std::uint64_t exchanges = comm_.max(road_->exchanges());  // ranks that own nothing exchange none
  spdlog::info(
      "halo exchanges: up to {} per exchange, {} in {}, {:.4f} messages per step per rank "
      "(one to each neighbour per exchange)",
      counted(road_->stepsPerExchange(), "step"), counted(exchanges, "exchange"), counted(stepsRun, "step"),
      stepsRun > 0 ? 2.0 * static_cast<double>(exchanges) / static_cast<double>(stepsRun) : 0.0);
  summary.lastStep = step;
  summary.carsAtEnd = cars_;
  summary.stoppedEarly = step < totalSteps;
  summary.steps = step - start_.step;
  summary.seconds = elapsed;
  summary.digest = road_->globalDigest();
  return summary;
}

}  // namespace convoy
