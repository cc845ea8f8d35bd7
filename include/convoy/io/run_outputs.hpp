// The outputs of `convoy run` (time series, snapshots), attached to a Simulation according to the
// config.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/io/timeseries.hpp"
#include "convoy/simulation.hpp"

namespace convoy::io {

class RunOutputs {
 public:
  // Collective. Creates timeseries.h5 (rank 0) and the snapshots folder, and registers with the
  // simulation.
  RunOutputs(const Comm& comm, const Config& config, Simulation& simulation);
  // Collective: writes what is kept and closes the files.
  void finish();

 private:
  void onFlow(const FlowBlock& block);

  const Comm& comm_;
  const Config& config_;
  RunIdentity identity_;
  std::optional<TimeseriesWriter> timeseries_;  // rank 0 only
  double lastFlushAt_ = 0.0;
};

h5::Settings hdf5Settings(const Config& config);

}  // namespace convoy::io
