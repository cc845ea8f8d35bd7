// Where a run starts (--restart auto|never|CHECKPOINT.h5): from step 0, or from the newest checkpoint
// of the output directory that passes every check - its own fields, its road (read once, into the
// road the run continues with), and the rows of timeseries.h5 and spacetime.h5 it records - after
// checking that it belongs to the same physics. Deciding reads and changes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/io/timeseries.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"
#include "convoy/run/simulation.hpp"

namespace convoy {

enum class RestartMode { Auto, Never, FromFile };

struct RestartRequest {
  RestartMode mode = RestartMode::Auto;
  std::string path;  // FromFile
};

// "auto", "never", or a checkpoint's path.
RestartRequest parseRestartOption(const std::string& text);

// How the series files of the output directory go on. Rank 0, which writes them, holds the verified
// rows; spacetimeLastStep is known on every rank.
struct SeriesStart {
  // timeseries.h5: begun afresh (nullopt), or continued after these verified rows.
  std::optional<io::VerifiedRows> timeseries;
  // spacetime.h5 (with output.spacetime.every > 0): begun afresh (nullopt; an earlier file of another
  // window is moved aside), or continued after these verified rows, the last of step spacetimeLastStep.
  std::optional<io::VerifiedRows> spacetime;
  std::int64_t spacetimeLastStep = -1;
  bool moveSpacetimeAside = false;
};

struct RestartPlan {
  StartPoint start;
  bool fromCheckpoint = false;  // the road was loaded from `checkpoint`
  std::string checkpoint;       // the checkpoint continued from
  SeriesStart series;
  bool finished = false;  // the checkpoint is already at run.steps: nothing to do
};

// Collective. With a checkpoint to continue from, its road is loaded into `road`. InputError, with
// nothing changed, when the checkpoint belongs to other physics (naming the keys), when
// checkpoints exist but none is valid (naming each and why), when the series files do not hold the
// rows it records, or when --restart never would overwrite checkpoints.
RestartPlan planRestart(const Comm& comm, const Config& config, const RestartRequest& request, Road& road);

}  // namespace convoy
