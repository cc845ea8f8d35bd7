// convoy's command line (docs/config.md, README): run, validate, inspect, --version.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "convoy/config/config.hpp"
#include "convoy/core/counted.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/log.hpp"
#include "convoy/core/version.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/h5/handle.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/inspect.hpp"
#include "convoy/io/road_file.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/watchdog.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/output_directory.hpp"
#include "convoy/run/restart.hpp"
#include "convoy/run/run_control.hpp"
#include "convoy/run/run_outputs.hpp"
#include "convoy/run/simulation.hpp"
#include "convoy/run/stop_requests.hpp"

namespace convoy {
namespace {

struct Arguments {
  std::string configPath;
  std::string inspectPath;
  std::vector<std::string> overrides;
  std::string outputDirectory;
  std::string restart = "auto";
  std::string maxHours;
  int plannedRanks = 0;  // validate --ranks
  bool outputGiven = false;
};

// The start of the process: the wall-time budget counts from here.
const auto kProcessStart = std::chrono::steady_clock::now();

// The options that stand for a config key: checked as the key is, and named in messages as given.
std::vector<OptionValue> optionValues(const Arguments& arguments) {
  std::vector<OptionValue> options;
  if (!arguments.maxHours.empty()) {
    options.push_back({"run.max_hours", arguments.maxHours, "--max-hours " + arguments.maxHours});
  }
  if (!arguments.outputDirectory.empty()) {
    options.push_back({"output.directory", arguments.outputDirectory, "--output " + arguments.outputDirectory});
  }
  return options;
}

// Rank 0 reads the file and shares its text, so thousands of ranks do not all open it, and every
// rank parses the same text and finds the same problems.
LoadedConfig loadConfig(const Comm& comm, const Arguments& arguments) {
  std::string text;
  comm.onRootThenShareErrors([&] { text = readConfigText(arguments.configPath); });
  text = comm.broadcast(text);
  if (arguments.outputGiven && arguments.outputDirectory.empty()) {
    throw InputError("command line: --output needs a directory (it was given an empty one)");
  }
  LoadedConfig loaded = parseConfig(arguments.configPath, text, arguments.overrides, optionValues(arguments));
  if (!loaded.config.init.from.empty()) {
    // The road's length comes from the file; the config is checked again knowing it.
    const io::RoadFileInfo road = io::describeRoadFile(comm, {loaded.config.init.from, loaded.config.init.dataset});
    if (loaded.setAt.count("road.cells") && loaded.config.road.cells != road.cells) {
      throw InputError(loaded.setAt["road.cells"] + ": road.cells (" + std::to_string(loaded.config.road.cells) +
                       ") differs from the " + std::to_string(road.cells) + " cells of the road in " +
                       loaded.config.init.from + "; remove road.cells or make them agree");
    }
    loaded = withRoadLength(std::move(loaded), road.cells, arguments.configPath);
  }
  return loaded;
}

ExitCode validateCommand(const Comm& comm, const Arguments& arguments) {
  LoadedConfig loaded = loadConfig(comm, arguments);
  if (arguments.plannedRanks > 0) {
    requireMemoryForRoad(comm, loaded.config, arguments.plannedRanks);
  } else {
    // A production config is validated on a login node, on far fewer ranks than it runs on: a road
    // too large for them is worth a warning, not a refusal. --ranks N checks for the job's N ranks.
    try {
      requireMemoryForRoad(comm, loaded.config);
    } catch (const InputError& error) {
      loaded.warnings.push_back(std::string(error.what()) + " (a warning only: give --ranks N to check the " +
                                "memory for the N ranks of the job)");
    }
  }
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);
  if (comm.isRoot()) std::cout << toYaml(loaded.config) << std::flush;
  return ExitCode::Success;
}

// "100 steps of 1000 cells (500 cars)".
std::string workDone(const RunSummary& summary) {
  const std::string cars = summary.carsAtEnd == summary.cars
                               ? counted(summary.cars, "car")
                               : counted(summary.cars, "car") + " at the start, " + std::to_string(summary.carsAtEnd) +
                                     " at the end";  // an open road
  return counted(summary.steps, "step") + " of " + counted(summary.cells, "cell") + " (" + cars + ")";
}

// What this run segment wrote into its output directory: "config.yaml, run.log, timeseries.h5,
// checkpoints/ (1 written)"; a folder it wrote nothing into is left out.
std::string writtenOutputs(const Config& config, const RunOutputs& outputs, const RunControl& control) {
  std::string list = std::string("config.yaml, run.log, ") + io::format::kTimeseriesFile;
  if (config.output.spacetime.every > 0) list += std::string(", ") + io::format::kSpacetimeFile;
  const auto folder = [&](const char* name, std::uint64_t files) {
    if (files > 0) list += std::string(", ") + name + "/ (" + std::to_string(files) + " written)";
  };
  folder(io::format::kCheckpointsFolder, control.checkpointsWritten());
  folder(io::format::kSnapshotsFolder, outputs.snapshotsWritten());
  return list;
}

void logSummary(const Config& config, const RunSummary& summary, const std::string& written) {
  if (summary.stoppedEarly) {
    spdlog::info("stopped at step {} after {} in {:.6f} s: {:.2f} MCOPs", summary.lastStep, workDone(summary),
                 summary.seconds, summary.mcops());
  } else {
    spdlog::info("finished {} in {:.6f} s: {:.2f} MCOPs", workDone(summary), summary.seconds, summary.mcops());
  }
  if (summary.firstStep > 0) spdlog::info("this segment ran steps {} to {}", summary.firstStep + 1, summary.lastStep);
  spdlog::info("final average velocity {:.6f}; state digest {:016x}", summary.lastMeanVelocity, summary.digest);
  spdlog::info("outputs in {}/: {}; summarise any of them with convoy inspect", config.output.directory, written);
}

ExitCode runCommand(const Comm& comm, const Arguments& arguments) {
  const LoadedConfig loaded = loadConfig(comm, arguments);
  const Config& config = loaded.config;
  setLogLevel(comm.rank(), config.logging.level);
  setIoTimeout(config.output.ioTimeoutMinutes * 60);
  requireMemoryForRoad(comm, config);
  // The road is built (and init.from or the checkpoint read and checked) before anything is written.
  std::unique_ptr<Road> road = emptyRoad(comm, config);
  RestartPlan plan = planRestart(comm, config, parseRestartOption(arguments.restart), *road);
  if (plan.finished) {
    spdlog::info("the run in {} is already at step {} (run.steps = {}): nothing to do; raise run.steps to go on",
                 config.output.directory, plan.start.step, config.run.steps);
    return ExitCode::Success;
  }
  if (!plan.fromCheckpoint) fillInitialRoad(comm, config, *road);
  const std::uint64_t startStep = plan.start.step;
  Simulation simulation(comm, config, std::move(road), std::move(plan.start));
  prepareOutputDirectory(comm, config);
  addLogFile(comm.rank(), logFilePath(config));
  if (comm.isRoot()) stop::setAbortLog(logFilePath(config).string());
  const char* job = std::getenv("SLURM_JOB_ID");
  spdlog::info("=== convoy {} run segment: {} from step {} on {}{}; output in {}", kVersion, arguments.configPath,
               startStep, counted(static_cast<std::uint64_t>(comm.size()), "MPI rank"),
               job ? std::string(", Slurm job ") + job : "", config.output.directory);
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);

  RunOutputs outputs(comm, config, simulation, plan.series);
  const double secondsBeforeLoop =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - kProcessStart).count();
  const RunControl control(comm, config, simulation, outputs, secondsBeforeLoop, plan.checkpoint);
  try {
    const RunSummary summary = simulation.run();
    outputs.finish();
    logSummary(config, summary, writtenOutputs(config, outputs, control));
    const std::string end = summary.stoppedEarly
                                ? "at step " + std::to_string(summary.lastStep) + " because of " + control.reason()
                                : "at step " + std::to_string(summary.lastStep);
    recordSegmentEnd(comm, config, control.exitCode(), end);
  } catch (const RuntimeError& error) {
    // A failure every rank shares (a time series or a final checkpoint that cannot be written):
    // the message says where the run can go on from, once (a failed final checkpoint has said it).
    const std::string what = error.what();
    const std::string where = control.whereToContinue();
    const std::string text = what.find(where) != std::string::npos ? what : what + "; " + where;
    recordSegmentEnd(comm, config, ExitCode::RuntimeFailure, text);
    throw RuntimeError(text, error.scope());
  }
  return control.exitCode();
}

ExitCode inspectCommand(const Comm& comm, const Arguments& arguments) {
  return io::inspectFile(comm, arguments.inspectPath, std::cout);
}

std::string versionText() {
  return std::string("convoy ") + kVersion +
         " (traffic cellular automata: rule 184 and the Nagel-Schreckenberg model; MPI, parallel HDF5)";
}

ExitCode dispatch(const Comm& comm, int argc, char** argv) {
  CLI::App app{
      "convoy: traffic cellular automata - rule 184 (the EPCC workshop's model) and the "
      "Nagel-Schreckenberg model - on any number of MPI ranks.\nExamples:\n"
      "  mpirun -n 4 convoy run input/workshop.yaml\n"
      "  convoy validate input/quickstart.yaml --set road.cells=2048000\n"
      "  convoy inspect runs/quickstart/timeseries.h5\n"
      "The config keys, outputs and exit codes are described in docs/config.md, docs/output.md and the "
      "README.",
      "convoy"};
  app.set_version_flag("--version", versionText());
  app.require_subcommand(1);
  Arguments arguments;
  auto addConfigOptions = [&](CLI::App* command) {
    command->add_option("config", arguments.configPath, "the run's YAML config file")->required();
    command
        ->add_option("--set", arguments.overrides, "override a config key, e.g. --set road.cells=2048000 (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
  };
  CLI::App* run = app.add_subcommand("run", "run the simulation a config describes");
  addConfigOptions(run);
  run->add_option("--output", arguments.outputDirectory, "write into DIR instead of output.directory")
      ->type_name("DIR")
      ->each([&](const std::string&) { arguments.outputGiven = true; });
  run->add_option("--restart", arguments.restart,
                  "auto (default): continue from the newest valid checkpoint in the output directory, if any; "
                  "never: start from step 0 (refused if checkpoints exist); or a checkpoint file to start from")
      ->type_name("auto|never|FILE");
  run->add_option("--max-hours", arguments.maxHours,
                  "wall-time budget in hours (run.max_hours): stop with a checkpoint and exit status 75 before it "
                  "runs out")
      ->type_name("H");
  CLI::App* validate = app.add_subcommand("validate", "check a config and print it resolved, defaults filled in");
  addConfigOptions(validate);
  validate
      ->add_option("--ranks", arguments.plannedRanks,
                   "check that the road fits in memory on N ranks (of this machine's memory per core)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  CLI::App* inspect = app.add_subcommand(
      "inspect", "summarise a convoy HDF5 file (time series, snapshot); for snapshots, recompute the digest");
  inspect->add_option("file", arguments.inspectPath, "the HDF5 file")->required();

  // CLI11 would only say "a subcommand is required" for a misspelt one.
  const std::string first = argc > 1 ? argv[1] : "";
  if (!first.empty() && first[0] != '-' && first != "run" && first != "validate" && first != "inspect") {
    throw InputError(std::string("command line: unknown command '") + argv[1] +
                     "'; the commands are run, validate and inspect (see convoy --help)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::ostringstream discard;
    if (error.get_exit_code() == 0) {
      if (comm.isRoot()) app.exit(error);
      return ExitCode::Success;
    }
    if (comm.isRoot()) app.exit(error, discard, discard);
    throw InputError(std::string("command line: ") + error.what() + " (see convoy --help)");
  }
  if (run->parsed()) return runCommand(comm, arguments);
  if (inspect->parsed()) return inspectCommand(comm, arguments);
  return validateCommand(comm, arguments);
}

ExitCode runMain(const Comm& comm, int argc, char** argv) {
  try {
    return dispatch(comm, argc, argv);
  } catch (const InputError& error) {
    // Every rank raises the same InputError; rank 0 reports it once.
    if (comm.isRoot()) {
      for (const auto& problem : error.problems()) spdlog::error("{}", problem);
      spdlog::error("bad input; nothing was written (exit status 2)");
    }
    return ExitCode::BadInput;
  } catch (const RuntimeError& error) {
    if (error.scope() == ErrorScope::ThisRank || comm.isRoot()) spdlog::error("{}", error.what());
    // A failure on this rank alone: the other ranks cannot finish their collective calls, and files
    // left half-written must not be closed again by MPI_Finalize, so the job ends here, even on one rank.
    if (error.scope() == ErrorScope::ThisRank) comm.abort(static_cast<int>(ExitCode::RuntimeFailure));
    return ExitCode::RuntimeFailure;
  } catch (const std::exception& error) {
    spdlog::error("unexpected failure: {}", error.what());
    if (comm.size() > 1) comm.abort(static_cast<int>(ExitCode::RuntimeFailure));
    return ExitCode::RuntimeFailure;
  }
}

}  // namespace
}  // namespace convoy

int main(int argc, char** argv) {
  // First of all: a signal that comes while MPI starts must find its handler, not end the rank.
  convoy::stop::installSignalHandlers();
  convoy::MpiSession mpi(argc, argv);
  const convoy::Comm comm = convoy::Comm::world();
  convoy::setupLogging(comm.rank(), "info");
  convoy::h5::silenceErrorStacks();
  const int status = static_cast<int>(convoy::runMain(comm, argc, argv));
  // HDF5 1.10 crashes cleaning up a file whose close failed (a full disk): then every rank ends
  // without MPI_Finalize's cleanup, with the status it has, rather than in a segmentation fault.
  if (comm.max(static_cast<std::uint64_t>(convoy::h5::failedCloses())) > 0) {
    spdlog::default_logger()->flush();
    std::fflush(stdout);
    std::_Exit(status);
  }
  return status;
}
