// The outputs of `convoy run` (the time series, the space-time window, snapshots), attached to a
// Simulation according to the config. Rank 0 keeps only the rows not yet written (a bounded
// buffer): timeseries.h5 is the one record of the series.
#pragma once

#include <memory>
#include <optional>

#include "convoy/config/config.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/io/timeseries.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/restart.hpp"
#include "convoy/run/simulation.hpp"
#include "convoy/run/spacetime_recorder.hpp"

namespace convoy {

class RunOutputs {
 public:
  // Collective. Creates timeseries.h5 (rank 0), or continues it after the verified rows of `series`
  // (a restart: the file is cut back to them, so no row is lost or doubled), the space-time file
  // likewise, and the snapshots folder; registers with the simulation.
  RunOutputs(const Comm& comm, const Config& config, Simulation& simulation, const SeriesStart& series);
  // Collective: writes the rows kept in memory to the series files and flushes them.
  void flush(h5::Durability durability = h5::Durability::PageCache);
  // Collective: writes what is kept and closes the files.
  void finish();
  // Collective, after flush(): the rows of the series files on disk, on every rank.
  io::SeriesMark timeseriesMark() const;
  io::SeriesMark spacetimeMark() const;
  // The run's identity, with the cars on the road now (what a snapshot or checkpoint of this step
  // records; the series files keep the cars at their start).
  io::RunIdentity identity() const;
  // The snapshots this run segment wrote.
  std::uint64_t snapshotsWritten() const { return snapshotsWritten_; }

 private:
  void onFlow(const FlowBlock& block);
  void snapshot(std::uint64_t step);

  const Comm& comm_;
  const Config& config_;
  Simulation& simulation_;
  io::RunIdentity identity_;
  std::optional<io::TimeseriesWriter> timeseries_;  // rank 0 only
  std::optional<SpacetimeRecorder> spacetime_;      // with output.spacetime.every > 0
  std::uint64_t pendingRows_ = 0;                   // rows appended since the last flush, counted alike on every rank
  double lastFlushAt_ = 0.0;
  std::uint64_t snapshotsWritten_ = 0;
};

h5::Settings hdf5Settings(const Config& config);

}  // namespace convoy
