#include "convoy/run/run_outputs.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "convoy/core/counted.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/snapshot.hpp"

namespace fs = std::filesystem;

namespace convoy {
namespace {

// Rows reach timeseries.h5 at least this often (and at the end), so a reader sees recent rows.
constexpr double kFlushSeconds = 5.0;
// ... and whenever this many wait, so that the rows kept in memory stay few.
constexpr std::uint64_t kMostPendingRows = std::uint64_t{1} << 16;

std::string megabytesPerSecond(std::uint64_t bytes, double seconds) {
  return seconds > 0 ? fmt::format("{:.3g} MB/s", static_cast<double>(bytes) / 1e6 / seconds) : "-";
}

}  // namespace

h5::Settings hdf5Settings(const Config& config) {
  h5::Settings settings;
  settings.alignment = config.output.hdf5.alignment;
  settings.alignmentThreshold = config.output.hdf5.alignmentThreshold;
  settings.mpiHints = config.output.hdf5.hints;
  return settings;
}

RunOutputs::RunOutputs(const Comm& comm, const Config& config, Simulation& simulation, const SeriesStart& series)
    : comm_(comm),
      config_(config),
      simulation_(simulation),
      identity_{toYaml(config), config.road.cells, simulation.cars(), modelName(config.model.type)} {
  const fs::path directory = config.output.directory;
  comm.onRootThenShareErrors([&] {
    if (config.output.snapshotEvery > 0) {
      std::error_code error;
      fs::create_directories(directory / io::format::kSnapshotsFolder, error);
      if (error) {
        throw RuntimeError("cannot create " + (directory / io::format::kSnapshotsFolder).string() + ": " +
                           error.message());
      }
    }
    const std::string path = (directory / io::format::kTimeseriesFile).string();
    const bool open = config.road.boundary == Boundary::Open;
    timeseries_.emplace(series.timeseries
                            ? io::TimeseriesWriter::continueAt(path, identity_, config.output.timeseriesEvery,
                                                               config.output.detectors, *series.timeseries, open)
                            : io::TimeseriesWriter::create(path, identity_, config.output.timeseriesEvery,
                                                           config.output.detectors, open));
  });
  simulation.onFlowBlock([this](const FlowBlock& block) { onFlow(block); });
  if (config.output.spacetime.every > 0) spacetime_.emplace(comm, config, simulation, identity_, series);
  simulation.atEveryMultipleOf(config.output.snapshotEvery, [this](std::uint64_t step) { snapshot(step); });
}

io::RunIdentity RunOutputs::identity() const {
  io::RunIdentity now = identity_;
  now.cars = simulation_.cars();
  return now;
}

void RunOutputs::snapshot(std::uint64_t step) {
  const fs::path path = fs::path(config_.output.directory) / io::format::kSnapshotsFolder / io::snapshotFileName(step);
  try {
    const io::StateWrite written = io::writeSnapshot(comm_, path.string(), simulation_.road(), identity(), step,
                                                     config_.output.profileBins, hdf5Settings(config_));
    spdlog::info("snapshot of step {} written to {}: {} in {:.3f} s ({}; digest {:016x})", step, path.string(),
                 counted(written.bytes, "byte"), written.seconds, megabytesPerSecond(written.bytes, written.seconds),
                 written.digest);
    ++snapshotsWritten_;
  } catch (const RuntimeError& error) {
    // Every rank failed alike (the write shares its failures); the run goes on and the next
    // snapshot tries again.
    if (comm_.isRoot())
      spdlog::warn("the snapshot of step {} was not written ({}); the run goes on", step, error.what());
  }
}

void RunOutputs::flush(h5::Durability durability) {
  comm_.onRootThenShareErrors([&] {
    timeseries_->flush(durability);
    if (spacetime_) spacetime_->flush(durability);
  });
  pendingRows_ = 0;
}

void RunOutputs::onFlow(const FlowBlock& block) {
  if (comm_.isRoot()) timeseries_->append(block.rows);
  pendingRows_ += block.rows.size();
  if (block.elapsedSeconds - lastFlushAt_ >= kFlushSeconds || pendingRows_ >= kMostPendingRows) {
    flush();
    lastFlushAt_ = block.elapsedSeconds;
  }
}

io::SeriesMark RunOutputs::timeseriesMark() const {
  return comm_.broadcast(comm_.isRoot() ? timeseries_->mark() : io::SeriesMark{});
}

io::SeriesMark RunOutputs::spacetimeMark() const {
  return comm_.broadcast(spacetime_ && comm_.isRoot() ? spacetime_->mark() : io::SeriesMark{});
}

void RunOutputs::finish() {
  if (spacetime_) spacetime_->finish();
  comm_.onRootThenShareErrors([&] {
    timeseries_->flush();
    const io::SeriesMark mark = timeseries_->mark();
    timeseries_->close();
    spdlog::info("time series: {} in {}", counted(mark.rows, "row"), timeseries_->path());
  });
}

}  // namespace convoy
