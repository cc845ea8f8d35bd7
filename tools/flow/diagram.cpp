#include "diagram.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <system_error>

#include "convoy/core/error.hpp"
#include "convoy_file.hpp"
#include "run_statistics.hpp"

namespace fs = std::filesystem;

namespace convoy::flow {
namespace {

// Below this a mean that agrees with an exact value up to rounding counts as equal (the means are
// averages of cars / cells, so a settled deterministic run can differ from the exact curve by a few ulp).
constexpr double kRoundingTolerance = 1e-12;

std::optional<double> deviation(double flow, double error, std::optional<double> exact) {
  if (!exact) return std::nullopt;
  const double difference = flow - *exact;
  if (std::abs(difference) <= kRoundingTolerance) return error > 0 ? difference / error : 0.0;
  if (error == 0.0) return std::nullopt;  // infinitely many error bars: the table says "inf"
  return difference / error;
}

}  // namespace

std::optional<double> exactFlow(const std::string& model, const std::optional<NaschParameters>& nasch,
                                std::uint64_t cells, std::uint64_t cars) {
  if (cells == 0 || cars > cells) return std::nullopt;
  const double n = static_cast<double>(cells);
  if (model == "rule184") {
    // min(d, 1 - d) from the integers, so that 1 - d carries no rounding of its own.
    return static_cast<double>(std::min(cars, cells - cars)) / n;
  }
  // The exact NaSch curves are those of plain NaSch: slow-to-start has none here.
  if (model != "nasch" || !nasch || nasch->slowToStart()) return std::nullopt;
  if (nasch->pBrake == 0.0) {
    // Deterministic: every car at vmax below density 1 / (vmax + 1), above it the gaps move (1 - d).
    // From the integers, as for rule 184 (the comparison cannot overflow).
    const std::uint64_t moved = cars <= (cells - cars) / nasch->vmax ? nasch->vmax * cars : cells - cars;
    return static_cast<double>(moved) / n;  // cells moved per step over cells
  }
  if (nasch->vmax == 1) {
    const double d = static_cast<double>(cars) / n;
    const double holes = static_cast<double>(cells - cars) / n;  // 1 - d without rounding of its own
    const double q = 1.0 - nasch->pBrake;
    return (1.0 - std::sqrt(1.0 - 4.0 * q * d * holes)) / 2.0;
  }
  return std::nullopt;
}

std::optional<std::string> exactCurveName(const std::string& model, const std::optional<NaschParameters>& nasch) {
  if (model == "rule184") return std::string("min(density, 1 - density)");
  if (model != "nasch" || !nasch || nasch->slowToStart()) return std::nullopt;
  if (nasch->pBrake == 0.0) return "min(vmax d, 1 - d), vmax = " + std::to_string(nasch->vmax);
  if (nasch->vmax == 1) return "(1 - sqrt(1 - 4 q d (1 - d))) / 2, q = " + plainNumber(1.0 - nasch->pBrake);
  return std::nullopt;
}

std::vector<RunLocation> findRuns(const std::vector<std::string>& arguments, std::vector<std::string>& notes) {
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
    notes.push_back(argument + ": a campaign of " + std::to_string(found.size()) + " run(s): " + names);
  }
  return runs;
}

Diagram computeDiagram(const std::vector<RunLocation>& runs, std::optional<std::uint64_t> burnInSteps) {
  // First only the files' identities (cheap): bad files and mixed models are refused before any statistics.
  std::map<std::string, std::vector<std::string>> runsOfModel;
  std::vector<std::pair<NaschParameters, std::vector<std::string>>> runsOfParameters;  // NaSch runs, in order met
  std::vector<std::string> problems;
  const auto collect = [&](const InputError& error) {
    // Every bad run is reported in one go, not one per attempt.
    problems.insert(problems.end(), error.problems().begin(), error.problems().end());
  };
  for (const auto& run : runs) {
    try {
      const ConvoyFile file = openConvoyFile(run.timeseries, {"timeseries"},
                                             "a fundamental diagram needs run directories or their timeseries.h5");
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
    throw InputError("the runs are of " + std::to_string(runsOfModel.size()) + " different models (" + list +
                     "); a fundamental diagram compares runs of one model: give each model's runs separately");
  }
  if (runsOfParameters.size() > 1) {
    std::string list;
    for (const auto& [parameters, directories] : runsOfParameters) {
      list += (list.empty() ? "" : "; ") + describe(parameters) + ": " + std::to_string(directories.size()) +
              " run(s), e.g. " + directories.front();
    }
    throw InputError("the nasch runs have " + std::to_string(runsOfParameters.size()) + " different parameter sets (" +
                     list +
                     "); a fundamental diagram compares runs of one model: give the runs of each vmax and p_brake "
                     "separately");
  }
  std::vector<RunStatistics> statistics;
  for (const auto& run : runs) {
    try {
      statistics.push_back(computeRunStatistics(run.timeseries, burnInSteps, Units{}, Detectors::Skip));
      if (statistics.back().openEnds) {
        throw InputError(run.directory +
                         ": an open road, whose cars come and go; a fundamental diagram is of ring roads, each at "
                         "its fixed density. For an open road use convoy-flow stats (its cars, exit_rate and the "
                         "exact current)");
      }
    } catch (const InputError& error) {
      collect(error);
    }
  }
  if (!problems.empty()) throw InputError(problems);

  Diagram diagram;
  diagram.model = runsOfModel.empty() ? "" : runsOfModel.begin()->first;
  if (!runsOfParameters.empty()) diagram.nasch = runsOfParameters.front().first;
  diagram.exactCurve = exactCurveName(diagram.model, diagram.nasch);
  for (std::size_t index = 0; index < statistics.size(); ++index) {
    const RunStatistics& run = statistics[index];
    const analysis::Estimate& flow = run.quantities.at(0).estimate;
    const analysis::Estimate& velocity = run.quantities.at(1).estimate;
    DiagramRow row;
    row.directory = runs[index].directory;
    row.density = run.density;
    row.cells = run.cells;
    row.cars = run.cars;
    row.flow = flow.mean;
    row.flowError = flow.standardError();
    row.velocity = velocity.mean;
    row.velocityError = velocity.standardError();
    row.stepsUsed = flow.samples * run.every;
    row.burnInSteps = run.burnIn.steps;
    row.exactFlow = exactFlow(run.model, diagram.nasch, run.cells, run.cars);
    row.deviationSigmas = deviation(row.flow, row.flowError, row.exactFlow);
    row.settled = run.steady;
    diagram.rows.push_back(std::move(row));
    diagram.warnings.insert(diagram.warnings.end(), run.warnings.begin(), run.warnings.end());
  }
  std::stable_sort(diagram.rows.begin(), diagram.rows.end(),
                   [](const DiagramRow& a, const DiagramRow& b) { return a.density < b.density; });
  return diagram;
}

}  // namespace convoy::flow
