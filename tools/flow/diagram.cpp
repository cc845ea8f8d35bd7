#include "diagram.hpp"

#include <algorithm>
#include <cmath>

#include "campaign.hpp"
#include "convoy/core/error.hpp"
#include "run_statistics.hpp"

namespace convoy::flow {

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

Diagram computeDiagram(const std::vector<RunLocation>& runs, std::optional<std::uint64_t> burnInSteps) {
  // First only the files' identities (cheap): bad files and mixed models are refused before any statistics.
  const CampaignModel campaign = oneModelOf(runs, "a fundamental diagram");
  std::vector<std::string> problems;
  const auto collect = [&](const InputError& error) {
    problems.insert(problems.end(), error.problems().begin(), error.problems().end());
  };
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
  diagram.model = campaign.model;
  diagram.nasch = campaign.nasch;
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
    row.deviationSigmas = deviationSigmas(row.flow, row.flowError, row.exactFlow);
    row.settled = run.steady;
    diagram.rows.push_back(std::move(row));
    diagram.warnings.insert(diagram.warnings.end(), run.warnings.begin(), run.warnings.end());
  }
  std::stable_sort(diagram.rows.begin(), diagram.rows.end(),
                   [](const DiagramRow& a, const DiagramRow& b) { return a.density < b.density; });
  return diagram;
}

}  // namespace convoy::flow
