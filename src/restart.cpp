#include "convoy/restart.hpp"

#include <spdlog/spdlog.h>

#include "convoy/error.hpp"
#include "convoy/io/checkpoint.hpp"

namespace convoy {
namespace {

// Refuses a checkpoint whose physics, or whose time-series layout, differs from the config's.
void requireSameRun(const Config& config, const io::FoundCheckpoint& checkpoint) {
  const Config stored = parseConfig(checkpoint.path + " (its config)", checkpoint.configYaml, {}).config;
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
  throw InputError(checkpoint.path + " holds a run of different physics or time-series layout (this config vs "
                   "the checkpoint's: " + list + "); nothing was changed. Continue with the same values, or "
                   "choose another output.directory, or --output DIR");
}

RestartPlan resumeFrom(const Config& config, io::FoundCheckpoint checkpoint) {
  requireSameRun(config, checkpoint);
  RestartPlan plan;
  plan.start.step = checkpoint.state.step;
  plan.start.roadFile = checkpoint.path;
  plan.start.openRow = std::move(checkpoint.state.openRow);
  plan.rows = std::move(checkpoint.state.rows);
  plan.finished = checkpoint.state.step >= config.run.steps;
  spdlog::info("continuing from {} (step {}, digest {:016x})", checkpoint.path, checkpoint.state.step,
               checkpoint.digest);
  return plan;
}

}  // namespace

RestartRequest parseRestartOption(const std::string& text) {
  if (text.empty() || text == "auto") return {RestartMode::Auto, ""};
  if (text == "never") return {RestartMode::Never, ""};
  return {RestartMode::FromFile, text};
}

RestartPlan planRestart(const Comm& comm, const Config& config, const RestartRequest& request) {
  const std::string& directory = config.output.directory;
  if (request.mode == RestartMode::FromFile) {
    io::CheckpointCheck check = io::checkCheckpoint(comm, request.path);
    if (!check.checkpoint) throw InputError("--restart " + request.path + ": not a valid checkpoint: " + check.problem);
    return resumeFrom(config, std::move(*check.checkpoint));
  }
  std::vector<std::string> checkpoints;
  comm.onRootThenShareErrors([&] { checkpoints = io::listCheckpoints(directory); });
  const std::uint64_t count = std::stoull(comm.broadcastFromRoot(std::to_string(checkpoints.size())));
  if (count == 0) return {};
  if (request.mode == RestartMode::Never) {
    throw InputError(directory + "/checkpoints holds checkpoints of an earlier run, which --restart never would "
                     "overwrite; nothing was changed. Use --restart auto to continue it, or another output.directory");
  }
  std::vector<std::string> problems;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string path = comm.broadcastFromRoot(comm.isRoot() ? checkpoints[i] : "");
    io::CheckpointCheck check = io::checkCheckpoint(comm, path);
    if (check.checkpoint) return resumeFrom(config, std::move(*check.checkpoint));
    if (comm.isRoot()) spdlog::warn("the checkpoint {} is not valid: {}; trying an older one", path, check.problem);
    problems.push_back(path + ": " + check.problem);
  }
  problems.insert(problems.begin(), directory + "/checkpoints holds " + std::to_string(count) +
                                        " checkpoints and none is valid; nothing was deleted. Remove them to "
                                        "start afresh, or name one with --restart FILE:");
  throw InputError(problems);
}

}  // namespace convoy
