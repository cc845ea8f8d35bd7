// convoy-flow: statistics of convoy's output files (docs/analysis.md): stats, diagram, phase, jams.
// Runs without mpiexec: files are opened with HDF5's default driver, which needs no MPI_Init.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/version.hpp"
#include "convoy/h5/handle.hpp"

namespace convoy::flow {
namespace {

struct Arguments {
  StatsOptions stats;
  DiagramOptions diagram;
  PhaseOptions phase;
  JamsOptions jams;
  std::string burnInSteps;
  bool json = false;
  bool csv = false;
};

OutputFormat formatOf(const Arguments& arguments) {
  if (arguments.json) return OutputFormat::Json;
  if (arguments.csv) return OutputFormat::Csv;
  return OutputFormat::Table;
}

void addFormatFlags(CLI::App* command, Arguments& arguments) {
  CLI::Option* json = command->add_flag("--json", arguments.json, "print one JSON object (for scripts)");
  CLI::Option* csv = command->add_flag("--csv", arguments.csv, "print CSV with a header line (for scripts)");
  json->excludes(csv);
}

CLI::Option* addBurnIn(CLI::App* command, Arguments& arguments) {
  return command
      ->add_option("--burn-in", arguments.burnInSteps,
                   "steps to discard from the start (rounded up to whole rows); default: found by MSER on the flow")
      ->type_name("STEPS");
}

// A command over the runs of a campaign (diagram, phase): directories, --burn-in, the output form.
CLI::App* addCampaignCommand(CLI::App& app, const std::string& name, const std::string& description,
                             DiagramOptions& options, Arguments& arguments) {
  CLI::App* command = app.add_subcommand(name, description);
  command->add_option("directories", options.inputs, "run directories, or campaign roots whose subdirectories are runs")
      ->required();
  addBurnIn(command, arguments);
  addFormatFlags(command, arguments);
  return command;
}

// CLI11 would take "-5" for an unsigned number; steps are spelt out in digits.
std::uint64_t parseSteps(const std::string& text) {
  std::uint64_t steps = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), steps);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw InputError("command line: --burn-in: expected a whole number of steps >= 0, got '" + text + "'");
  }
  return steps;
}

// "must be > 0" instead of CLI11's range with its 300-digit upper bound.
const CLI::Validator kPositive(
    [](std::string& text) {
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || !(value > 0) || !std::isfinite(value)) {
        return "expected a number > 0, got '" + text + "'";
      }
      return std::string();
    },
    "> 0");

const char* kUsage =
    "convoy-flow: statistics of convoy output.\nExamples:\n"
    "  convoy-flow stats runs/quickstart\n"
    "  convoy-flow diagram runs/sweep --json\n"
    "  convoy-flow phase runs/phase/*\n"
    "  convoy-flow jams runs/quickstart/snapshots/*.h5\n"
    "Methods, output columns and units: docs/analysis.md. Exit status: 0 ok, 2 bad input, 1 other failures.";

ExitCode dispatch(int argc, char** argv) {
  CLI::App app{kUsage, "convoy-flow"};
  app.set_version_flag("--version", std::string("convoy-flow ") + kVersion);
  app.require_subcommand(1);
  Arguments arguments;

  CLI::App* stats = app.add_subcommand(
      "stats", "means of flow, mean velocity and detector flow rates with error bars (burn-in, blocking, tau_int)");
  stats->add_option("run", arguments.stats.input, "a run directory or its timeseries.h5")->required();
  CLI::Option* statsBurnIn = addBurnIn(stats, arguments);
  stats->add_option("--cell-length", arguments.stats.units.cellLengthMetres, "metres per cell (default 7.5)")
      ->check(kPositive)
      ->type_name("M");
  stats->add_option("--step-seconds", arguments.stats.units.stepSeconds, "seconds per step (default 1)")
      ->check(kPositive)
      ->type_name("S");
  addFormatFlags(stats, arguments);

  CLI::App* diagram = addCampaignCommand(app, "diagram", "the fundamental diagram of a campaign: one row per run",
                                         arguments.diagram, arguments);
  CLI::App* phase = addCampaignCommand(
      app, "phase", "the (alpha, beta) phase diagram of open-road runs: one row per run, beside the exact current",
      arguments.phase, arguments);

  CLI::App* jams = app.add_subcommand("jams", "stopped cars and jam lengths in snapshots (or checkpoints)");
  jams->add_option("snapshots", arguments.jams.files, "snapshot (or checkpoint) files")->required();
  addFormatFlags(jams, arguments);

  // CLI11 would only say "a subcommand is required" for a misspelt one.
  const std::string first = argc > 1 ? argv[1] : "";
  if (!first.empty() && first[0] != '-' && first != "stats" && first != "diagram" && first != "phase" &&
      first != "jams") {
    throw InputError("command line: unknown command '" + first +
                     "'; the commands are stats, diagram, phase and jams (see convoy-flow --help)");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      app.exit(error);  // --help, --version
      return ExitCode::Success;
    }
    throw InputError(std::string("command line: ") + error.what() + " (see convoy-flow --help)");
  }

  const OutputFormat format = formatOf(arguments);
  if (stats->parsed()) {
    if (statsBurnIn->count() > 0) arguments.stats.burnInSteps = parseSteps(arguments.burnInSteps);
    arguments.stats.format = format;
    statsCommand(arguments.stats, std::cout, std::cerr);
  } else if (diagram->parsed()) {
    if (diagram->get_option("--burn-in")->count() > 0)
      arguments.diagram.burnInSteps = parseSteps(arguments.burnInSteps);
    arguments.diagram.format = format;
    diagramCommand(arguments.diagram, std::cout, std::cerr);
  } else if (phase->parsed()) {
    if (phase->get_option("--burn-in")->count() > 0) arguments.phase.burnInSteps = parseSteps(arguments.burnInSteps);
    arguments.phase.format = format;
    phaseCommand(arguments.phase, std::cout, std::cerr);
  } else {
    arguments.jams.format = format;
    jamsCommand(arguments.jams, std::cout, std::cerr);
  }
  std::cout.flush();
  if (!std::cout) throw RuntimeError("cannot write the output (stdout)");
  return ExitCode::Success;
}

}  // namespace
}  // namespace convoy::flow

int main(int argc, char** argv) {
  using convoy::ExitCode;
  convoy::h5::silenceErrorStacks();
  try {
    return static_cast<int>(convoy::flow::dispatch(argc, argv));
  } catch (const convoy::InputError& error) {
    for (const auto& problem : error.problems()) std::cerr << "convoy-flow: error: " << problem << "\n";
    return static_cast<int>(ExitCode::BadInput);
  } catch (const std::exception& error) {
    std::cerr << "convoy-flow: error: " << error.what() << "\n";
    return static_cast<int>(ExitCode::RuntimeFailure);
  }
}
