#include "phase.hpp"

#include <algorithm>
#include <tuple>

#include "convoy/core/error.hpp"
#include "open_road.hpp"
#include "run_statistics.hpp"

namespace convoy::flow {
namespace {

const analysis::Estimate& quantity(const RunStatistics& run, const std::string& name) {
  const auto found = std::find_if(run.quantities.begin(), run.quantities.end(),
                                  [&](const QuantityStatistics& q) { return q.name == name; });
  if (found == run.quantities.end()) throw InputError(run.path + ": the series has no " + name + " (an old file?)");
  return found->estimate;
}

PhaseRow rowOf(const RunLocation& location, const RunStatistics& run) {
  const analysis::Estimate& current = quantity(run, "exit_rate");
  const analysis::Estimate& cars = quantity(run, "cars");
  const double cells = static_cast<double>(run.cells);
  PhaseRow row;
  row.directory = location.directory;
  row.alpha = run.openEnds->alpha;
  row.beta = run.openEnds->beta;
  row.cells = run.cells;
  row.density = cars.mean / cells;
  row.densityError = cars.standardError() / cells;
  row.current = current.mean;
  row.currentError = current.standardError();
  row.stepsUsed = current.samples * run.every;
  row.burnInSteps = run.burnIn.steps;
  if (run.exactCurrent) {
    row.exactCurrent = run.exactCurrent->current;
    row.phase = run.exactCurrent->phase;
    row.exactDensity = run.exactCurrent->bulkDensity;
  }
  row.deviationSigmas = deviationSigmas(row.current, row.currentError, row.exactCurrent);
  row.settled = run.steady;
  return row;
}

}  // namespace

PhaseDiagram computePhaseDiagram(const std::vector<RunLocation>& runs, std::optional<std::uint64_t> burnInSteps) {
  const CampaignModel campaign = oneModelOf(runs, "a phase diagram");
  PhaseDiagram diagram;
  diagram.model = campaign.model;
  diagram.nasch = campaign.nasch;
  diagram.hopProbability = tasepHopProbability(campaign.model, campaign.nasch);
  if (diagram.hopProbability) diagram.criticalRate = criticalRate(*diagram.hopProbability);
  std::vector<std::string> problems;
  for (const auto& location : runs) {
    try {
      const RunStatistics run = computeRunStatistics(location.timeseries, burnInSteps, Units{}, Detectors::Skip);
      if (!run.openEnds) {
        throw InputError(location.directory +
                         ": a ring road, where no car comes or goes; a phase diagram is of open roads (road.boundary: "
                         "open). For ring roads use convoy-flow diagram");
      }
      diagram.rows.push_back(rowOf(location, run));
      diagram.warnings.insert(diagram.warnings.end(), run.warnings.begin(), run.warnings.end());
    } catch (const InputError& error) {
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
  }
  if (!problems.empty()) throw InputError(problems);
  std::stable_sort(diagram.rows.begin(), diagram.rows.end(), [](const PhaseRow& a, const PhaseRow& b) {
    return std::tie(a.alpha, a.beta) < std::tie(b.alpha, b.beta);
  });
  return diagram;
}

}  // namespace convoy::flow
