#include "convoy/io/run_outputs.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "convoy/io/snapshot.hpp"
#include "convoy/packed_road.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

// Rows reach timeseries.h5 at least this often (and at the end), so a reader sees recent rows.
constexpr double kFlushSeconds = 5.0;

}  // namespace

h5::Settings hdf5Settings(const Config& config) {
  h5::Settings settings;
  settings.alignment = config.output.hdf5.alignment;
  settings.alignmentThreshold = config.output.hdf5.alignmentThreshold;
  settings.mpiHints = config.output.hdf5.hints;
  return settings;
}

RunOutputs::RunOutputs(const Comm& comm, const Config& config, Simulation& simulation,
                       std::vector<FlowRow> earlierRows)
    : comm_(comm),
      config_(config),
      identity_{toYaml(config), config.road.cells, simulation.cars(), modelName(config.model.type)} {
  const fs::path directory = config.output.directory;
  comm.onRootThenShareErrors([&] {
    if (config.output.snapshotEvery > 0) {
      std::error_code error;
      fs::create_directories(directory / "snapshots", error);
      if (error) throw RuntimeError("cannot create " + (directory / "snapshots").string() + ": " + error.message());
    }
    timeseries_.emplace((directory / "timeseries.h5").string(), identity_, config.output.timeseriesEvery,
                        config.output.detectors);
    rows_ = std::move(earlierRows);
    timeseries_->append(rows_);
    timeseries_->flush();
  });
  simulation.onFlowBlock([this](const FlowBlock& block) { onFlow(block); });
  if (config.output.spacetime.every > 0) spacetime_.emplace(comm, config, simulation, identity_);
  simulation.atEveryMultipleOf(config.output.snapshotEvery, [this, &simulation, directory](std::uint64_t step) {
    const fs::path path = directory / "snapshots" / snapshotFileName(step);
    const auto start = std::chrono::steady_clock::now();
    const StateWrite written = writeSnapshot(comm_, path.string(), simulation.road(), identity_, step,
                                             config_.output.profileBins, hdf5Settings(config_));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double megabytes = static_cast<double>(packed::wordsFor(identity_.cells) * 8) / 1e6;
    spdlog::info("snapshot of step {} written to {} in {:.3f} s ({:.0f} MB/s; digest {:016x})", step, path.string(),
                 seconds, megabytes / seconds, written.digest);
  });
}

void RunOutputs::flush() {
  comm_.onRootThenShareErrors([&] {
    timeseries_->flush();
    if (spacetime_) spacetime_->flush();
  });
}

void RunOutputs::onFlow(const FlowBlock& block) {
  if (!timeseries_) return;
  timeseries_->append(block.rows);
  rows_.insert(rows_.end(), block.rows.begin(), block.rows.end());
  if (block.elapsedSeconds - lastFlushAt_ >= kFlushSeconds) {
    timeseries_->flush();
    lastFlushAt_ = block.elapsedSeconds;
  }
}

void RunOutputs::finish() {
  if (spacetime_) spacetime_->finish();
  comm_.onRootThenShareErrors([&] {
    timeseries_->close();
    spdlog::info("time series: {} rows in {}", timeseries_->rowsWritten(),
                 (fs::path(config_.output.directory) / "timeseries.h5").string());
  });
}

}  // namespace convoy::io
