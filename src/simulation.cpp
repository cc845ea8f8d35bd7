#include "convoy/simulation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "convoy/initial_road.hpp"

namespace convoy {
namespace {

// Ranks meet (one small allreduce) about this often: often enough for progress lines and, later,
// stop requests; rare enough to cost nothing.
constexpr double kSyncSeconds = 0.5;
constexpr std::uint64_t kMaxStepsPerSync = std::uint64_t{1} << 20;

std::string duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(seconds));
  if (total >= 3600) return fmt::format("{}h{:02}m{:02}s", total / 3600, total / 60 % 60, total % 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{:.1f}s", seconds);
}

}  // namespace

double RunSummary::mcops() const {
  return seconds > 0 ? static_cast<double>(cells) * static_cast<double>(steps) / seconds / 1e6 : 0.0;
}

double meanVelocity(std::int64_t moves, std::uint64_t cars) {
  return cars == 0 ? 0.0 : static_cast<double>(moves) / static_cast<double>(cars);
}

Simulation::Simulation(const Comm& comm, const Config& config)
    : comm_(comm),
      config_(config),
      decomposition_(config.road.cells, comm.size()),
      road_(comm, decomposition_) {
  fillRandomRoad(road_.words(), road_.range(), config_.init.density, config_.init.seed);
  cars_ = road_.globalCars();
}

std::uint64_t Simulation::nextSyncStep(std::uint64_t step, std::uint64_t stepsPerSync) const {
  std::uint64_t sync = std::min(step + stepsPerSync, config_.run.steps);
  const std::uint64_t every = config_.logging.reportEvery;
  if (every > 0) sync = std::min(sync, (step / every + 1) * every);
  return sync;
}

RunSummary Simulation::run() {
  const std::uint64_t totalSteps = config_.run.steps;
  const double cells = static_cast<double>(config_.road.cells);
  spdlog::info("road of {} cells with {} cars (density {:.6f}) on {} ranks; {} steps of {}", config_.road.cells,
               cars_, static_cast<double>(cars_) / cells, comm_.size(), totalSteps, modelName(config_.model.type));

  RunSummary summary;
  summary.cells = config_.road.cells;
  summary.cars = cars_;
  const double progressSeconds = config_.logging.progressSeconds;
  const double syncSeconds = std::max(0.001, std::min(kSyncSeconds, progressSeconds));
  double lastProgressAt = 0.0;
  double elapsed = 0.0;
  std::uint64_t stepsPerSync = 1;
  std::uint64_t step = 0;
  std::vector<std::int64_t> block;

  comm_.barrier();
  const auto start = std::chrono::steady_clock::now();
  while (step < totalSteps) {
    const std::uint64_t firstStep = step + 1;
    const std::uint64_t syncStep = nextSyncStep(step, stepsPerSync);
    // One slot per step for this rank's moves, and a last one for rank 0's clock: the sum gives every
    // rank the same moves and the same time, so all of them take the same decisions.
    block.assign(syncStep - step + 1, 0);
    for (std::size_t k = 0; step < syncStep; ++k, ++step) block[k] = static_cast<std::int64_t>(road_.step());
    if (comm_.isRoot()) {
      block.back() = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    }
    comm_.sumInPlace(block);
    elapsed = static_cast<double>(block.back()) * 1e-9;

    const FlowBlock flow{firstStep, std::span<const std::int64_t>(block.data(), block.size() - 1)};
    for (const auto& observer : observers_) observer(flow);
    summary.lastMeanVelocity = meanVelocity(flow.moves.back(), cars_);
    const std::uint64_t every = config_.logging.reportEvery;
    for (std::uint64_t s = firstStep; s <= syncStep; ++s) {
      if (every > 0 && s % every == 0) {
        spdlog::info("step {}: average velocity {:.6f}", s, meanVelocity(flow.moves[s - firstStep], cars_));
      }
    }

    const double stepsPerSecond = static_cast<double>(step) / std::max(elapsed, 1e-9);
    if (progressSeconds > 0 && elapsed - lastProgressAt >= progressSeconds && step < totalSteps) {
      lastProgressAt = elapsed;
      spdlog::info("progress: step {}/{} ({:.1f}%), {:.1f} steps/s, {:.1f} MCOPs, {} left, average velocity {:.6f}",
                   step, totalSteps, 100.0 * static_cast<double>(step) / static_cast<double>(totalSteps),
                   stepsPerSecond, stepsPerSecond * cells / 1e6,
                   duration(static_cast<double>(totalSteps - step) / stepsPerSecond), summary.lastMeanVelocity);
    }
    stepsPerSync = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(stepsPerSecond * syncSeconds), 1,
                                             kMaxStepsPerSync);
  }

  summary.steps = totalSteps;
  summary.seconds = elapsed;
  summary.digest = road_.globalDigest();
  return summary;
}

}  // namespace convoy
