// When a run writes checkpoints and when it stops early: every checkpoint.every_steps steps, every
// checkpoint.every_minutes of wall time, at the end, and before stopping on a signal, a STOP file or
// the run.max_hours wall-time budget. Every decision is taken from values all ranks share (the
// reduced votes and rank 0's clock), so all ranks take it together.
//
// A periodic checkpoint that cannot be written is reported and the run goes on (the next one tries
// again); when the final or a stop checkpoint cannot be written, the run ends with exit status 1
// and the message names the newest intact checkpoint.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/config/config.hpp"
#include "convoy/core/error.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/run_outputs.hpp"
#include "convoy/run/simulation.hpp"

namespace convoy {

class RunControl {
 public:
  // Collective. `secondsBeforeLoop`: rank 0's wall time from the start of the process to now (the
  // wall-time budget counts from the start of the job). `newestCheckpoint`: the checkpoint the run
  // continues from ("" for a fresh run). Registers with the simulation.
  RunControl(const Comm& comm, const Config& config, Simulation& simulation, RunOutputs& outputs,
             double secondsBeforeLoop, std::string newestCheckpoint);

  // Success when the run reached run.steps, StoppedEarly when it stopped with a checkpoint.
  ExitCode exitCode() const { return stoppedEarly_ ? ExitCode::StoppedEarly : ExitCode::Success; }
  // What a user must be told after a failure that ends the run: where it can go on from.
  std::string whereToContinue() const;
  const std::string& reason() const { return stopReason_; }
  // The checkpoints this run segment wrote.
  std::uint64_t checkpointsWritten() const { return checkpointsWritten_; }

 private:
  bool keepGoing(const SyncPoint& point);
  std::string stopReason(const SyncPoint& point) const;
  double stopMargin(const SyncPoint& point) const;
  // Writes a checkpoint; false (after a warning) if a periodic one failed.
  bool checkpoint(const SyncPoint& point, bool periodic);

  const Comm& comm_;
  const Config& config_;
  Simulation& simulation_;
  RunOutputs& outputs_;
  double secondsBeforeLoop_;
  std::string newestCheckpoint_;
  double lastCheckpointAt_ = 0.0;
  double checkpointSeconds_;  // measured by the last checkpoint; estimated until the first
  bool measured_ = false;
  bool stoppedEarly_ = false;
  std::uint64_t checkpointsWritten_ = 0;
  std::string stopReason_;
};

}  // namespace convoy
