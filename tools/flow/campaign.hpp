// The runs of a campaign: found among a command's arguments (run directories, time series, campaign
// roots), and checked to be of one model, as a diagram of them compares (convoy-flow diagram, phase).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model_parameters.hpp"
#include "report.hpp"

namespace convoy::flow {

// A run found among the command's arguments.
struct RunLocation {
  std::string directory;   // as the user will recognise it (the argument, or the root / subdirectory)
  std::string timeseries;  // its timeseries.h5
};

// Each argument is a run directory (it has timeseries.h5), a timeseries.h5 itself, or a campaign
// root whose immediate subdirectories hold runs. `notes` gets one line per campaign root saying which
// runs were found ("convoy-flow: <root>: a campaign of N run(s): ..."), written to `notes` (stderr).
// Throws InputError for an argument that is none of these.
std::vector<RunLocation> findRuns(const std::vector<std::string>& arguments, std::ostream& notes);

// The one model of `runs` (and, for NaSch, its one parameter set). Reads only the files' identities.
// Throws InputError listing every file that is not a time series, or naming the models (parameter
// sets) met when there are several: `purpose` ("a fundamental diagram") says what needs one.
struct CampaignModel {
  std::string model;
  std::optional<NaschParameters> nasch;
};
CampaignModel oneModelOf(const std::vector<RunLocation>& runs, const std::string& purpose);
// The JSON fields vmax, p_brake and p_slow of a campaign's model (null but for NaSch).
void writeNaschFields(JsonWriter& json, const std::optional<NaschParameters>& nasch);

// How many error bars `mean` lies from `exact`: none without an exact value, and none for a zero
// error bar with a difference beyond rounding (infinitely many: tables say "inf").
std::optional<double> deviationSigmas(double mean, double error, std::optional<double> exact);

}  // namespace convoy::flow
