// The outputs of `convoy run` (time series, snapshots), attached to a Simulation according to the
// config.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/io/spacetime_recorder.hpp"
#include "convoy/io/timeseries.hpp"
#include "convoy/simulation.hpp"

namespace convoy::io {

class RunOutputs {
 public:
  // Collective. Creates timeseries.h5 (rank 0) holding `earlierRows` (the rows of earlier segments of
  // the run, from a checkpoint: so the file is always cut back to the checkpoint, never doubled) and
  // the snapshots folder, and registers with the simulation.
  RunOutputs(const Comm& comm, const Config& config, Simulation& simulation, std::vector<FlowRow> earlierRows = {});
  // Collective: writes the rows kept in memory to timeseries.h5 and flushes it.
  void flush();
  // Collective: writes what is kept and closes the files.
  void finish();
  // Every row of the run so far (rank 0; empty elsewhere): checkpoints carry them.
  const std::vector<FlowRow>& rows() const { return rows_; }
  const RunIdentity& identity() const { return identity_; }

 private:
  void onFlow(const FlowBlock& block);

  const Comm& comm_;
  const Config& config_;
  RunIdentity identity_;
  std::optional<TimeseriesWriter> timeseries_;  // rank 0 only
  std::vector<FlowRow> rows_;                   // rank 0 only
  std::optional<SpacetimeRecorder> spacetime_;  // with output.spacetime.every > 0
  double lastFlushAt_ = 0.0;
};

h5::Settings hdf5Settings(const Config& config);

}  // namespace convoy::io
