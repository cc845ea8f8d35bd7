#include "open_road.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "convoy/core/error.hpp"
#include "convoy/h5/attribute.hpp"

namespace convoy::flow {

std::optional<OpenEnds> openEndsFromYaml(const std::string& yamlText, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::Exception& failure) {
    throw InputError(source + ": the stored config is not YAML: " + failure.what());
  }
  const YAML::Node road = root.IsMap() ? root["road"] : YAML::Node();
  const YAML::Node boundary = road.IsMap() ? road["boundary"] : YAML::Node();
  if (!boundary.IsDefined() || !boundary.IsScalar() || boundary.Scalar() != "open") return std::nullopt;
  const auto probability = [&](const char* key) {
    const YAML::Node node = road[key];
    if (!node.IsDefined() || !node.IsScalar()) {
      throw InputError(source + ": an open road, but its stored config has no road." + key);
    }
    double value = -1.0;
    try {
      value = node.as<double>();
    } catch (const YAML::Exception&) {
    }
    if (!(value >= 0.0 && value <= 1.0)) {
      throw InputError(source + ": road." + key + " = '" + node.Scalar() + "' in the stored config (0 .. 1)");
    }
    return value;
  };
  return OpenEnds{probability("alpha"), probability("beta")};
}

std::optional<OpenEnds> openEndsOf(const ConvoyFile& file) {
  if (!h5::hasAttribute(file.get(), "config")) return std::nullopt;
  return openEndsFromYaml(h5::readAttribute<std::string>(file.get(), "config"), file.path() + " (attribute config)");
}

std::optional<double> tasepHopProbability(const std::string& model, const std::optional<NaschParameters>& nasch) {
  if (model == "rule184") return 1.0;
  if (model != "nasch" || !nasch || nasch->vmax != 1 || nasch->slowToStart()) return std::nullopt;
  if (nasch->pBrake >= 1.0) return std::nullopt;  // no car ever moves
  return 1.0 - nasch->pBrake;
}

double criticalRate(double p) { return 1.0 - std::sqrt(1.0 - p); }

std::optional<ExactCurrent> exactOpenCurrent(const std::string& model, const std::optional<NaschParameters>& nasch,
                                             const OpenEnds& ends) {
  const std::optional<double> hop = tasepHopProbability(model, nasch);
  if (!hop) return std::nullopt;
  const double p = *hop;
  const double critical = criticalRate(p);
  const std::string withP = ", p = " + plainNumber(p);
  if (ends.alpha >= critical && ends.beta >= critical) {
    return ExactCurrent{critical / 2.0, "maximal current", "(1 - sqrt(1 - p)) / 2" + withP, 0.5};
  }
  const bool lowDensity = ends.alpha < ends.beta;
  const double rate = lowDensity ? ends.alpha : ends.beta;
  const std::string name = lowDensity ? "alpha" : "beta";
  // The bulk density: rate (1 - rate) / (p - rate^2) at low density, 1 minus it at high density.
  const double density = rate * (1.0 - rate) / (p - rate * rate);
  return ExactCurrent{rate * (p - rate) / (p - rate * rate), lowDensity ? "low density" : "high density",
                      name + " (p - " + name + ") / (p - " + name + "^2)" + withP,
                      ends.alpha == ends.beta ? std::nullopt : std::optional(lowDensity ? density : 1.0 - density)};
}

}  // namespace convoy::flow
