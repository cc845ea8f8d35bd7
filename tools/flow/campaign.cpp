#include "campaign.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <system_error>

#include "convoy/core/error.hpp"
#include "convoy_file.hpp"

namespace fs = std::filesystem;

namespace convoy::flow {
namespace {

// Below this a mean that agrees with an exact value up to rounding counts as equal (the means are
// averages of cars / cells, so a settled deterministic run can differ from the exact curve by a few ulp).
constexpr double kRoundingTolerance = 1e-12;

}  // namespace

std::optional<double> deviationSigmas(double flow, double error, std::optional<double> exact) {
  if (!exact) return std::nullopt;
  const double difference = flow - *exact;
  if (std::abs(difference) <= kRoundingTolerance) return error > 0 ? difference / error : 0.0;
  if (error == 0.0) return std::nullopt;  // infinitely many error bars: the table says "inf"
  return difference / error;
}

std::vector<RunLocation> findRuns(const std::vector<std::string>& arguments, std::ostream& notes) {
  std::vector<RunLocation> runs;
  for (const auto& argument : arguments) {
    std::error_code error;
    if (!fs::exists(argument, error)) throw InputError(argument + ": no such file or directory");
    if (!fs::is_directory(argument, error)) {
      const std::string parent = fs::path(argument).parent_path().string();
      runs.push_back({parent.empty() ? "." : parent, argument});
      continue;
    }
    if (fs::exists(fs::path(argument) / "timeseries.h5", error)) {
      runs.push_back({argument, (fs::path(argument) / "timeseries.h5").string()});
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(argument, error)) {
      if (entry.is_directory(error) && fs::exists(entry.path() / "timeseries.h5", error)) {
        found.push_back(entry.path().string());
      }
    }
    if (found.empty()) {
      throw InputError(argument +
                       ": neither a run directory (it has no timeseries.h5) nor a campaign root (none of "
                       "its subdirectories has one)");
    }
    std::sort(found.begin(), found.end());
    std::string names;
    for (const auto& directory : found) {
      names += (names.empty() ? "" : ", ") + fs::path(directory).filename().string();
      runs.push_back({directory, (fs::path(directory) / "timeseries.h5").string()});
    }
    notes << "convoy-flow: " << argument << ": a campaign of " << found.size() << " run(s): " << names << "\n";
  }
  return runs;
}

CampaignModel oneModelOf(const std::vector<RunLocation>& runs, const std::string& purpose) {
  std::map<std::string, std::vector<std::string>> runsOfModel;
  std::vector<std::pair<NaschParameters, std::vector<std::string>>> runsOfParameters;  // NaSch runs, in order met
  std::vector<std::string> problems;
  const auto collect = [&](const InputError& error) {
    // Every bad run is reported in one go, not one per attempt.
    problems.insert(problems.end(), error.problems().begin(), error.problems().end());
  };
  for (const auto& run : runs) {
    try {
      const ConvoyFile file =
          openConvoyFile(run.timeseries, {"timeseries"}, purpose + " needs run directories or their timeseries.h5");
      runsOfModel[file.model].push_back(run.directory);
      if (const std::optional<NaschParameters> parameters = naschParametersOf(file)) {
        const auto same = std::find_if(runsOfParameters.begin(), runsOfParameters.end(),
                                       [&](const auto& entry) { return entry.first == *parameters; });
        if (same == runsOfParameters.end()) {
          runsOfParameters.push_back({*parameters, {run.directory}});
        } else {
          same->second.push_back(run.directory);
        }
      }
    } catch (const InputError& error) {
      collect(error);
    }
  }
  if (!problems.empty()) throw InputError(problems);
  if (runsOfModel.size() > 1) {
    std::string list;
    for (const auto& [model, directories] : runsOfModel) {
      list += (list.empty() ? "" : "; ") + model + ": " + std::to_string(directories.size()) + " run(s), e.g. " +
              directories.front();
    }
    throw InputError("the runs are of " + std::to_string(runsOfModel.size()) + " different models (" + list + "); " +
                     purpose + " compares runs of one model: give each model's runs separately");
  }
  if (runsOfParameters.size() > 1) {
    std::string list;
    for (const auto& [parameters, directories] : runsOfParameters) {
      list += (list.empty() ? "" : "; ") + describe(parameters) + ": " + std::to_string(directories.size()) +
              " run(s), e.g. " + directories.front();
    }
    throw InputError("the nasch runs have " + std::to_string(runsOfParameters.size()) + " different parameter sets (" +
                     list + "); " + purpose +
                     " compares runs of one model: give the runs of each vmax and p_brake separately");
  }
  CampaignModel campaign;
  campaign.model = runsOfModel.empty() ? "" : runsOfModel.begin()->first;
  if (!runsOfParameters.empty()) campaign.nasch = runsOfParameters.front().first;
  return campaign;
}

void writeNaschFields(JsonWriter& json, const std::optional<NaschParameters>& nasch) {
  if (nasch) {
    json.field("vmax", nasch->vmax);
    json.field("p_brake", nasch->pBrake);
    json.field("p_slow", nasch->pSlow);
    return;
  }
  for (const char* key : {"vmax", "p_brake", "p_slow"}) {
    json.key(key);
    json.null();
  }
}

}  // namespace convoy::flow
