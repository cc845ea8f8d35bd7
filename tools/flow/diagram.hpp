// The fundamental diagram of a campaign: one row per run (flow and velocity with error bars against
// the actual density), sorted by density, beside the exact curve where one is known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "model_parameters.hpp"

namespace convoy::flow {

struct DiagramRow {
  std::string directory;
  double density = 0.0;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  double flow = 0.0;
  double flowError = 0.0;
  double velocity = 0.0;
  double velocityError = 0.0;
  std::uint64_t stepsUsed = 0;
  std::uint64_t burnInSteps = 0;
  std::optional<double> exactFlow;
  std::optional<double> deviationSigmas;  // none: no exact curve, or a zero error bar and a non-zero deviation
  bool settled = true;                    // the run reached a steady state (no warning of convoy-flow says otherwise)
};

struct Diagram {
  std::string model;
  std::optional<NaschParameters> nasch;   // the runs' vmax and p_brake (NaSch only)
  std::optional<std::string> exactCurve;  // e.g. "min(density, 1 - density)"
  std::vector<DiagramRow> rows;           // sorted by density
  std::vector<std::string> warnings;
};

// The exact flow of `model` at cars / cells, if known: rule 184 min(d, 1 - d) (in exact arithmetic);
// NaSch with vmax = 1 (1 - sqrt(1 - 4 q d (1 - d))) / 2, q = 1 - p_brake; NaSch with p_brake = 0
// min(vmax d, 1 - d) (in exact arithmetic). `nasch` is required for model "nasch".
std::optional<double> exactFlow(const std::string& model, const std::optional<NaschParameters>& nasch,
                                std::uint64_t cells, std::uint64_t cars);
// The curve's formula with the parameters' values, e.g. "(1 - sqrt(1 - 4 q d (1 - d))) / 2, q = 0.75".
std::optional<std::string> exactCurveName(const std::string& model, const std::optional<NaschParameters>& nasch);

// Throws InputError if the runs are of different models, or NaSch runs of different vmax or p_brake
// (one diagram, one model).
Diagram computeDiagram(const std::vector<RunLocation>& runs, std::optional<std::uint64_t> burnInSteps);

}  // namespace convoy::flow
