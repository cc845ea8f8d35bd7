// convoy's command line (SPEC.md "Command line"): run, validate, --version.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"
#include "convoy/error.hpp"
#include "convoy/log.hpp"
#include "convoy/output_directory.hpp"
#include "convoy/simulation.hpp"
#include "convoy/version.hpp"

namespace convoy {
namespace {

struct Arguments {
  std::string configPath;
  std::vector<std::string> overrides;
  std::string outputDirectory;
};

// Rank 0 reads the file and shares its text, so thousands of ranks do not all open it, and every
// rank parses the same text and finds the same problems.
LoadedConfig loadConfig(const Comm& comm, const Arguments& arguments) {
  std::string text;
  comm.onRootThenShareErrors([&] { text = readConfigText(arguments.configPath); });
  std::vector<std::string> overrides = arguments.overrides;
  LoadedConfig loaded = parseConfig(arguments.configPath, comm.broadcastFromRoot(text), overrides);
  if (!arguments.outputDirectory.empty()) {
    loaded.config.output.directory = arguments.outputDirectory;
    loaded.setAt["output.directory"] = "--output " + arguments.outputDirectory;
  }
  return loaded;
}

ExitCode validateCommand(const Comm& comm, const Arguments& arguments) {
  const LoadedConfig loaded = loadConfig(comm, arguments);
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);
  if (comm.isRoot()) std::cout << toYaml(loaded.config) << std::flush;
  return ExitCode::Success;
}

ExitCode runCommand(const Comm& comm, const Arguments& arguments) {
  const LoadedConfig loaded = loadConfig(comm, arguments);
  const Config& config = loaded.config;
  spdlog::set_level(spdlog::level::from_str(config.logging.level));
  if (!comm.isRoot()) spdlog::set_level(std::max(spdlog::level::from_str(config.logging.level), spdlog::level::warn));
  prepareOutputDirectory(comm, config);
  addLogFile(comm, logFilePath(config));
  spdlog::info("convoy {} run of {} on {} MPI ranks; output in {}", kVersion, arguments.configPath, comm.size(),
               config.output.directory);
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);

  Simulation simulation(comm, config);
  const RunSummary summary = simulation.run();
  spdlog::info("finished {} steps of {} cells ({} cars) in {:.6f} s: {:.2f} MCOPs", summary.steps, summary.cells,
               summary.cars, summary.seconds, summary.mcops());
  spdlog::info("final average velocity {:.6f}; state digest {:016x}", summary.lastMeanVelocity, summary.digest);
  return ExitCode::Success;
}

std::string versionText() {
  return std::string("convoy ") + kVersion + " (rule-184 / Nagel-Schreckenberg traffic simulator; MPI, parallel HDF5)";
}

ExitCode dispatch(const Comm& comm, int argc, char** argv) {
  CLI::App app{"convoy: a traffic cellular automaton (rule 184, the EPCC workshop's model) on any number of MPI "
               "ranks.\nExamples:\n  mpirun -n 4 convoy run input/workshop.yaml\n  convoy validate input/quickstart.yaml "
               "--set road.cells=2048000\nThe config keys, outputs and exit codes are described in SPEC.md and the "
               "README.",
               "convoy"};
  app.set_version_flag("--version", versionText());
  app.require_subcommand(1);
  Arguments arguments;
  auto addConfigOptions = [&](CLI::App* command) {
    command->add_option("config", arguments.configPath, "the run's YAML config file")->required();
    command->add_option("--set", arguments.overrides,
                        "override a config key, e.g. --set road.cells=2048000 (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
  };
  CLI::App* run = app.add_subcommand("run", "run the simulation a config describes");
  addConfigOptions(run);
  run->add_option("--output", arguments.outputDirectory, "write into DIR instead of output.directory")
      ->type_name("DIR");
  CLI::App* validate = app.add_subcommand("validate", "check a config and print it resolved, defaults filled in");
  addConfigOptions(validate);

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
  return validateCommand(comm, arguments);
}

ExitCode runMain(const Comm& comm, int argc, char** argv) {
  try {
    return dispatch(comm, argc, argv);
  } catch (const InputError& error) {
    for (const auto& problem : error.problems()) spdlog::error("{}", problem);
    if (comm.isRoot()) spdlog::error("bad input; nothing was written (exit status 2)");
    return ExitCode::BadInput;
  } catch (const RuntimeError& error) {
    spdlog::error("{}", error.what());
    if (error.scope() == ErrorScope::ThisRank && comm.size() > 1) comm.abort(static_cast<int>(ExitCode::RuntimeFailure));
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
  convoy::MpiSession mpi(argc, argv);
  const convoy::Comm comm = convoy::Comm::world();
  convoy::setupLogging(comm, "info");
  return static_cast<int>(convoy::runMain(comm, argc, argv));
}
