// Where a run starts (--restart auto|never|CHECKPOINT.h5): from step 0, or from the newest checkpoint
// of the output directory that verifies, after checking that it belongs to the same physics.
// Deciding reads and changes nothing.
#pragma once

#include <string>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/simulation.hpp"

namespace convoy {

enum class RestartMode { Auto, Never, FromFile };

struct RestartRequest {
  RestartMode mode = RestartMode::Auto;
  std::string path;  // FromFile
};

// "auto", "never", or a checkpoint's path.
RestartRequest parseRestartOption(const std::string& text);

struct RestartPlan {
  StartPoint start;
  std::vector<FlowRow> rows;  // the time series up to start.step (rank 0)
  bool finished = false;      // the checkpoint is already at run.steps: nothing to do
};

// Collective. InputError, with nothing changed, when the checkpoint belongs to other physics (naming
// the keys), when checkpoints exist but none is valid, or when --restart never would overwrite them.
RestartPlan planRestart(const Comm& comm, const Config& config, const RestartRequest& request);

}  // namespace convoy
