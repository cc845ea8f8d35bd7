// The phase diagram of an open-road campaign: one row per run (its alpha and beta, the current out of
// the road and the bulk density with error bars), sorted by alpha then beta, beside the exact
// current and phase of the parallel-update TASEP where the model is one (rule 184; NaSch with vmax 1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "model_parameters.hpp"

namespace convoy::flow {

struct PhaseRow {
  std::string directory;
  double alpha = 0.0;
  double beta = 0.0;
  std::uint64_t cells = 0;
  double density = 0.0;  // the mean of cars / cells
  double densityError = 0.0;
  double current = 0.0;  // the mean of the cars leaving per step
  double currentError = 0.0;
  std::uint64_t stepsUsed = 0;
  std::uint64_t burnInSteps = 0;
  std::optional<double> exactCurrent;
  std::optional<double> exactDensity;  // the phase's bulk density
  std::optional<std::string> phase;    // "low density", "high density", "maximal current"
  std::optional<double> deviationSigmas;
  bool settled = true;
};

struct PhaseDiagram {
  std::string model;
  std::optional<NaschParameters> nasch;
  std::optional<double> hopProbability;  // p, where the model is the TASEP
  std::optional<double> criticalRate;    // a_c = 1 - sqrt(1 - p)
  std::vector<PhaseRow> rows;
  std::vector<std::string> warnings;
};

// Throws InputError for runs of several models or parameter sets, and for ring roads.
PhaseDiagram computePhaseDiagram(const std::vector<RunLocation>& runs, std::optional<std::uint64_t> burnInSteps);

}  // namespace convoy::flow
