#include "convoy/run/restart.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "convoy/core/counted.hpp"
#include "convoy/core/error.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/spacetime_file.hpp"
#include "convoy/io/timeseries.hpp"

namespace fs = std::filesystem;

namespace convoy {
namespace {

// Refuses a checkpoint whose physics, or whose time-series layout, differs from the config's.
void requireSameRun(const Config& config, const io::FoundCheckpoint& checkpoint) {
  const Config& stored = checkpoint.config;
  std::vector<std::string> differences = physicsDifferences(config, stored);
  auto compare = [&](const std::string& key, bool same, const std::string& valueHere, const std::string& valueThere) {
    if (!same) differences.push_back(key + " (" + valueHere + " vs " + valueThere + ")");
  };
  compare("output.timeseries_every", config.output.timeseriesEvery == stored.output.timeseriesEvery,
          std::to_string(config.output.timeseriesEvery), std::to_string(stored.output.timeseriesEvery));
  compare("output.detectors", config.output.detectors == stored.output.detectors, "this config's list",
          "the checkpoint's");
  if (differences.empty()) return;
  std::string list;
  for (const auto& difference : differences) list += (list.empty() ? "" : ", ") + difference;
  throw InputError(checkpoint.path +
                   " holds a run of different physics or time-series layout (this config vs "
                   "the checkpoint's: " +
                   list +
                   "); nothing was changed. Continue with the same values, or "
                   "choose another output.directory, or --output DIR");
}

bool sameWindow(const Config::Output::Spacetime& a, const Config::Output::Spacetime& b) {
  return a.start == b.start && a.width == b.width && a.every == b.every;
}

// Rank 0 reads the series files back against what `checkpoint` records; the problem, with what the
// user can do, or "". `series` receives how they go on.
std::string checkSeries(const Comm& comm, const Config& config, const io::FoundCheckpoint& checkpoint,
                        SeriesStart& series) {
  std::string problem;
  const fs::path directory = config.output.directory;
  const std::string step = std::to_string(checkpoint.state.step);
  if (comm.isRoot()) {
    const std::string timeseries = (directory / io::format::kTimeseriesFile).string();
    const io::PrefixCheck rows =
        io::checkTimeseriesPrefixes(timeseries, config.output.timeseriesEvery, config.output.detectors,
                                    {&checkpoint.state.timeseries, 1}, config.road.boundary == Boundary::Open);
    if (!rows.verified[0]) {
      problem = rows.problem + "; to continue from this checkpoint, restore a good copy of " + timeseries +
                ", or start the run afresh in another output directory";
    } else {
      series.timeseries = rows.verified[0];
    }
    const auto& window = config.output.spacetime;
    const std::string spacetime = (directory / io::format::kSpacetimeFile).string();
    std::error_code error;
    const bool there = fs::exists(spacetime, error);
    if (problem.empty() && window.every > 0) {
      if (!sameWindow(window, checkpoint.config.output.spacetime)) {
        series.moveSpacetimeAside = there;
      } else if (!there) {
        spdlog::warn("{} is missing; a new one begins at step {} (the rows before it are lost)", spacetime, step);
      } else {
        std::vector<std::int64_t> lastSteps;
        const io::PrefixCheck cells =
            io::checkSpacetimePrefixes(spacetime, window, {&checkpoint.state.spacetime, 1}, lastSteps);
        if (!cells.verified[0]) {
          problem = cells.problem + "; to continue from this checkpoint, restore a good copy of " + spacetime +
                    ", or move it away to begin a new one at step " + step + " (the rows before it are then lost)";
        } else {
          series.spacetime = cells.verified[0];
          series.spacetimeLastStep = lastSteps[0];
        }
      }
    }
  }
  series.spacetimeLastStep = comm.broadcast(series.spacetimeLastStep);
  return comm.broadcast(problem);
}

RestartPlan planFrom(const io::FoundCheckpoint& checkpoint, const Config& config, SeriesStart series,
                     double roadSeconds) {
  RestartPlan plan;
  plan.start.step = checkpoint.state.step;
  plan.start.openRow = checkpoint.state.openRow;
  plan.fromCheckpoint = true;
  plan.checkpoint = checkpoint.path;
  plan.series = std::move(series);
  plan.finished = checkpoint.state.step >= config.run.steps;
  spdlog::info("continuing from {} (step {}, digest {:016x}; its road read and verified in {:.3f} s)", checkpoint.path,
               checkpoint.state.step, checkpoint.digest, roadSeconds);
  return plan;
}

// Every check of one checkpoint, the road loaded into `road` last; the plan, or the problem. A
// checkpoint found in the output directory (`namedByStep`) must hold the step its name says: the
// newest is chosen by name, and a copy under another name would take the run back in time.
std::optional<RestartPlan> tryCheckpoint(const Comm& comm, const Config& config, const std::string& path, Road& road,
                                         bool namedByStep, std::string& problem) {
  const io::CheckpointCheck fields = io::checkCheckpointFields(comm, path);
  if (!fields.checkpoint) {
    problem = fields.problem;
    return std::nullopt;
  }
  const io::FoundCheckpoint& checkpoint = *fields.checkpoint;
  if (namedByStep && fs::path(path).filename() != io::checkpointFileName(checkpoint.state.step)) {
    problem = "it holds step " + std::to_string(checkpoint.state.step) + ", not the step its name says";
    return std::nullopt;
  }
  requireSameRun(config, checkpoint);
  SeriesStart series;
  problem = checkSeries(comm, config, checkpoint, series);
  if (!problem.empty()) return std::nullopt;
  // Also for a finished run: a damaged final checkpoint is then replaced from the one before.
  const auto start = std::chrono::steady_clock::now();
  problem = io::checkCheckpointRoad(comm, checkpoint, &road);
  if (!problem.empty()) return std::nullopt;
  const double seconds =
      comm.broadcast(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return planFrom(checkpoint, config, std::move(series), seconds);
}

}  // namespace

RestartRequest parseRestartOption(const std::string& text) {
  if (text.empty() || text == "auto") return {RestartMode::Auto, ""};
  if (text == "never") return {RestartMode::Never, ""};
  return {RestartMode::FromFile, text};
}

RestartPlan planRestart(const Comm& comm, const Config& config, const RestartRequest& request, Road& road) {
  const std::string& directory = config.output.directory;
  if (request.mode == RestartMode::FromFile) {
    std::string problem;
    std::optional<RestartPlan> plan = tryCheckpoint(comm, config, request.path, road, false, problem);
    if (!plan) throw InputError("--restart " + request.path + ": not a valid checkpoint: " + problem);
    return std::move(*plan);
  }
  std::vector<std::string> checkpoints;
  comm.onRootThenShareErrors([&] { checkpoints = io::listCheckpoints(directory); });
  checkpoints.resize(comm.broadcast<std::uint64_t>(checkpoints.size()));
  for (std::string& path : checkpoints) path = comm.broadcast(path);
  if (checkpoints.empty()) return {};
  if (request.mode == RestartMode::Never) {
    throw InputError(directory +
                     "/checkpoints holds checkpoints of an earlier run, which --restart never would "
                     "overwrite; nothing was changed. Use --restart auto to continue it, or another output.directory");
  }
  std::vector<std::string> problems;
  for (const std::string& path : checkpoints) {
    std::string problem;
    if (std::optional<RestartPlan> plan = tryCheckpoint(comm, config, path, road, true, problem))
      return std::move(*plan);
    if (comm.isRoot()) spdlog::warn("the checkpoint {} is not valid: {}; trying an older one", path, problem);
    problems.push_back(path + ": " + problem);
  }
  problems.insert(problems.begin(), directory + "/checkpoints holds " + counted(checkpoints.size(), "checkpoint") +
                                        " and none is valid; nothing was deleted. Remove them to "
                                        "start afresh, or name one with --restart FILE:");
  throw InputError(problems);
}

}  // namespace convoy
