#include "model_parameters.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>

#include "convoy/core/error.hpp"
#include "convoy/h5/attribute.hpp"

namespace convoy::flow {

std::string plainNumber(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string describe(const NaschParameters& parameters) {
  return "vmax " + std::to_string(parameters.vmax) + ", p_brake " + plainNumber(parameters.pBrake) +
         (parameters.slowToStart() ? ", p_slow " + plainNumber(parameters.pSlow) : "");
}

NaschParameters naschParametersFromYaml(const std::string& yamlText, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::Exception& failure) {
    throw InputError(source + ": the stored config is not YAML: " + failure.what());
  }
  const YAML::Node model = root.IsMap() ? root["model"] : YAML::Node();
  const auto value = [&](const char* key) {
    const YAML::Node node = model.IsMap() ? model[key] : YAML::Node();
    if (!node.IsDefined() || !node.IsScalar()) {
      throw InputError(source + ": a nasch run, but its stored config has no model." + key +
                       " (the resolved config of a nasch run always has it)");
    }
    return node;
  };
  NaschParameters parameters;
  try {
    const auto vmax = value("vmax").as<std::int64_t>();
    if (vmax < 1 || vmax > 255) throw InputError(source + ": model.vmax = " + std::to_string(vmax) + " (1 .. 255)");
    parameters.vmax = static_cast<std::uint64_t>(vmax);
  } catch (const YAML::Exception&) {
    throw InputError(source + ": model.vmax in the stored config is not a whole number: '" + value("vmax").Scalar() +
                     "'");
  }
  try {
    parameters.pBrake = value("p_brake").as<double>();
  } catch (const YAML::Exception&) {
    throw InputError(source + ": model.p_brake in the stored config is not a number: '" + value("p_brake").Scalar() +
                     "'");
  }
  if (!(parameters.pBrake >= 0.0 && parameters.pBrake <= 1.0)) {
    throw InputError(source + ": model.p_brake = " + value("p_brake").Scalar() + " (0 .. 1)");
  }
  parameters.pSlow = parameters.pBrake;
  const YAML::Node slow = model["p_slow"];
  if (slow.IsDefined() && !slow.IsNull()) {
    try {
      parameters.pSlow = slow.as<double>();
    } catch (const YAML::Exception&) {
      throw InputError(source + ": model.p_slow in the stored config is not a number: '" + slow.Scalar() + "'");
    }
    if (!(parameters.pSlow >= 0.0 && parameters.pSlow <= 1.0)) {
      throw InputError(source + ": model.p_slow = " + slow.Scalar() + " (0 .. 1)");
    }
  }
  return parameters;
}

std::optional<NaschParameters> naschParametersOf(const ConvoyFile& file) {
  if (file.model != "nasch") return std::nullopt;
  if (!h5::hasAttribute(file.get(), "config")) {
    throw InputError(file.path() + ": a nasch run, but the file has no 'config' attribute (model.vmax, model.p_brake)");
  }
  return naschParametersFromYaml(h5::readAttribute<std::string>(file.get(), "config"),
                                 file.path() + " (attribute config)");
}

}  // namespace convoy::flow
