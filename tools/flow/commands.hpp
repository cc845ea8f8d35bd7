// convoy-flow's subcommands: each computes, then writes one of the three output forms on `out`;
// notes and warnings go to `err`. Errors are thrown (InputError: exit 2).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "report.hpp"
#include "run_statistics.hpp"

namespace convoy::flow {

struct StatsOptions {
  std::string input;  // a run directory or a timeseries.h5
  std::optional<std::uint64_t> burnInSteps;
  Units units;
  OutputFormat format = OutputFormat::Table;
};
void statsCommand(const StatsOptions& options, std::ostream& out, std::ostream& err);

struct DiagramOptions {
  std::vector<std::string> inputs;  // run directories, timeseries.h5 files, campaign roots
  std::optional<std::uint64_t> burnInSteps;
  OutputFormat format = OutputFormat::Table;
};
void diagramCommand(const DiagramOptions& options, std::ostream& out, std::ostream& err);

// The phase diagram of open-road runs (the same inputs as the fundamental diagram).
using PhaseOptions = DiagramOptions;
void phaseCommand(const PhaseOptions& options, std::ostream& out, std::ostream& err);

struct JamsOptions {
  std::vector<std::string> files;  // snapshots or checkpoints
  OutputFormat format = OutputFormat::Table;
};
void jamsCommand(const JamsOptions& options, std::ostream& out, std::ostream& err);

// "convoy-flow: warning: <text>" on `err`.
void warn(std::ostream& err, const std::string& text);

}  // namespace convoy::flow
