// When a run writes checkpoints and when it stops early: every checkpoint.every_steps steps, every
// checkpoint.every_minutes of wall time, at the end, and before stopping on a signal, a STOP file or
// the run.max_hours wall-time budget. Every decision is taken from values all ranks share (the
// reduced votes and rank 0's clock), so all ranks take it together.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/error.hpp"
#include "convoy/io/run_outputs.hpp"
#include "convoy/simulation.hpp"

namespace convoy {

class RunControl {
 public:
  // Collective. `secondsBeforeLoop`: rank 0's wall time from the start of the process to now (the
  // wall-time budget counts from the start of the job). Registers with the simulation.
  RunControl(const Comm& comm, const Config& config, Simulation& simulation, io::RunOutputs& outputs,
             double secondsBeforeLoop);

  // Success when the run reached run.steps, StoppedEarly when it stopped with a checkpoint.
  ExitCode exitCode() const { return stoppedEarly_ ? ExitCode::StoppedEarly : ExitCode::Success; }

 private:
  bool keepGoing(const SyncPoint& point);
  std::string stopReason(const SyncPoint& point) const;
  double stopMargin(const SyncPoint& point) const;
  void checkpoint(const SyncPoint& point);

  const Comm& comm_;
  const Config& config_;
  Simulation& simulation_;
  io::RunOutputs& outputs_;
  double secondsBeforeLoop_;
  double lastCheckpointAt_ = 0.0;
  double checkpointSeconds_;  // measured by the last checkpoint; estimated until the first
  bool measured_ = false;
  bool stoppedEarly_ = false;
};

}  // namespace convoy
