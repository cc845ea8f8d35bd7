// What convoy-flow knows of open roads (docs/model.md "Open roads"): the ends' probabilities a run
// stored in its config, and the exact stationary current where one is known: rule 184 and NaSch with
// vmax 1 (without slow-to-start) are the parallel-update TASEP, hop probability p = 1 - p_brake (1 for
// rule 184), solved exactly by Evans, Rajewsky & Speer (1999) and de Gier & Nienhuis (1999).
#pragma once

#include <optional>
#include <string>

#include "convoy_file.hpp"
#include "model_parameters.hpp"

namespace convoy::flow {

struct OpenEnds {
  double alpha = 0.0;
  double beta = 0.0;
};

// The ends of an open road from the stored config (YAML text); none for a ring road. Throws
// InputError naming the source when road.alpha or road.beta is missing or not a probability.
std::optional<OpenEnds> openEndsFromYaml(const std::string& yamlText, const std::string& source);
std::optional<OpenEnds> openEndsOf(const ConvoyFile& file);

struct ExactCurrent {
  double current = 0.0;  // cars per step
  std::string phase;     // "low density", "high density", "maximal current"
  std::string formula;   // with the values, e.g. "alpha (p - alpha) / (p - alpha^2), p = 0.75"
  // Far from both ends; none on the line alpha = beta < a_c, where the low- and high-density phases
  // meet and a shock between them wanders over the whole road.
  std::optional<double> bulkDensity;
};

// The hop probability p of the parallel-update TASEP that `model` is on an open road: 1 for rule 184,
// 1 - p_brake for NaSch with vmax 1 without slow-to-start; none otherwise (and for p_brake 1).
std::optional<double> tasepHopProbability(const std::string& model, const std::optional<NaschParameters>& nasch);
// a_c = 1 - sqrt(1 - p): the rates alpha, beta at which the maximal-current phase begins.
double criticalRate(double p);

// With a_c = 1 - sqrt(1 - p): low density (alpha < beta, alpha < a_c) J = alpha (p - alpha) / (p -
// alpha^2), bulk density alpha (1 - alpha) / (p - alpha^2); high density the same in beta, density 1
// minus it; maximal current (alpha, beta >= a_c) J = a_c / 2, density 1/2. None
// for NaSch with vmax > 1 or slow-to-start.
std::optional<ExactCurrent> exactOpenCurrent(const std::string& model, const std::optional<NaschParameters>& nasch,
                                             const OpenEnds& ends);

}  // namespace convoy::flow
