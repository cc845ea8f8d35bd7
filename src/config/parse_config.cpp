#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/config_keys.hpp"
#include "convoy/config.hpp"
#include "convoy/error.hpp"

namespace convoy {
namespace {

using config::KeySpec;

std::string where(const std::string& source, const YAML::Mark& mark) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

std::set<std::string> sectionNames() {
  std::set<std::string> names;
  for (const auto& spec : config::keySpecs()) names.insert(spec.path.substr(0, spec.path.find('.')));
  return names;
}

std::string unknownKeyMessage(const std::string& place, const std::string& path) {
  std::string message = place + ": unknown key '" + path + "'";
  const std::string suggestion = config::suggestKey(path);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  return message;
}

// Collects values and problems while a config is read from its sources.
class ConfigReader {
 public:
  void applyValue(const std::string& path, const YAML::Node& value, const std::string& place) {
    const KeySpec* spec = config::findKey(path);
    if (spec == nullptr) {
      problems_.push_back(unknownKeyMessage(place, path));
    } else if (!spec->apply(value, loaded_.config)) {
      problems_.push_back(place + ": " + path + ": expected " + spec->expected + ", got " + shown(value));
    } else {
      loaded_.setAt[path] = place;
    }
  }

  void readDocument(const std::string& source, const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) return;  // an empty file: only the required keys are missing
    if (!root.IsMap()) {
      problems_.push_back(where(source, root.Mark()) + ": expected a mapping of sections (road:, model:, init:, ...), got " +
                          shown(root));
      return;
    }
    const std::set<std::string> sections = sectionNames();
    for (const auto& section : root) {
      const std::string name = section.first.as<std::string>();
      const std::string place = where(source, section.first.Mark());
      if (sections.count(name) == 0) {
        problems_.push_back(unknownKeyMessage(place, name));
      } else if (!section.second.IsMap()) {
        problems_.push_back(place + ": " + name + ": expected a mapping of keys, got " + shown(section.second));
      } else {
        for (const auto& key : section.second) {
          const std::string path = name + "." + key.first.as<std::string>();
          // Unknown keys are reported where the key is; bad values where the value is.
          const YAML::Mark mark = config::findKey(path) ? key.second.Mark() : key.first.Mark();
          applyValue(path, key.second, where(source, mark));
        }
      }
    }
  }

  void readOverride(const std::string& assignment) {
    const std::string place = "--set " + assignment;
    const std::size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      problems_.push_back(place + ": expected KEY=VALUE, e.g. --set road.cells=2048000");
      return;
    }
    YAML::Node value;
    try {
      value = YAML::Load(assignment.substr(equals + 1));
    } catch (const YAML::Exception& error) {
      problems_.push_back(place + ": the value is not valid YAML: " + error.msg);
      return;
    }
    applyValue(assignment.substr(0, equals), value, place);
  }

  void checkWhole(const std::string& source) {
    const Config& c = loaded_.config;
    require("road.cells", source, "the road length in cells");
    require("run.steps", source, "how many steps to run");
    if (c.init.from.empty()) require("init.density", source, "the fraction of cells that hold a car");
    if (!problems_.empty()) return;  // the checks below compare values that are known to be present

    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < c.output.detectors.size(); ++i) {
      const std::uint64_t position = c.output.detectors[i];
      if (position >= c.road.cells) {
        problem("output.detectors", "output.detectors[" + std::to_string(i) + "] = " + std::to_string(position) +
                                        " is not a cell of the road (0 to " + std::to_string(c.road.cells - 1) + ")");
      } else if (!seen.insert(position).second) {
        problem("output.detectors", "output.detectors lists cell " + std::to_string(position) + " twice");
      }
    }
    if (c.output.profileBins > c.road.cells) {
      problem("output.profile_bins", "output.profile_bins (" + std::to_string(c.output.profileBins) +
                                         ") must not exceed road.cells (" + std::to_string(c.road.cells) + ")");
    }
    if (!c.init.from.empty() && loaded_.setAt.count("init.density")) {
      problem("init.density", "init.density and init.from contradict each other: a road read from a file has "
                              "its own density; remove one of them");
    }
    if (c.model.type == ModelType::Rule184) {
      for (const char* key : {"model.vmax", "model.p_brake"}) {
        if (loaded_.setAt.count(key)) {
          loaded_.warnings.push_back(loaded_.setAt[key] + ": " + key +
                                     " is used by model.type nasch only; it is ignored for rule184");
        }
      }
    }
    checkAvailable();
  }

  LoadedConfig finish() {
    if (!problems_.empty()) throw InputError(problems_);
    return std::move(loaded_);
  }

 private:
  void require(const std::string& path, const std::string& source, const std::string& meaning) {
    if (loaded_.setAt.count(path) == 0) {
      problems_.push_back(source + ": " + path + " is missing: give " + meaning);
    }
  }

  void problem(const std::string& path, const std::string& message) {
    problems_.push_back(loaded_.setAt[path] + ": " + message);
  }

  // Config keys of SPEC.md whose features this version does not have yet: a clear refusal rather
  // than a run that silently ignores them.
  void checkAvailable() {
    const Config& c = loaded_.config;
    auto unavailable = [&](bool used, const std::string& path, const std::string& feature) {
      if (used) problem(path, path + ": " + feature + " is not available in this version of convoy");
    };
    unavailable(c.road.boundary == Boundary::Open, "road.boundary", "the open boundary");
    unavailable(c.model.type == ModelType::Nasch, "model.type", "the Nagel-Schreckenberg model (nasch)");
    unavailable(!c.init.from.empty(), "init.from", "starting from a saved road");
    unavailable(c.run.maxHours > 0, "run.max_hours", "a wall-time budget");
    unavailable(!c.output.detectors.empty(), "output.detectors", "detector output");
    unavailable(c.output.snapshotEvery > 0, "output.snapshot_every", "snapshot output");
    unavailable(c.checkpoint.everySteps > 0, "checkpoint.every_steps", "checkpointing");
    unavailable(c.checkpoint.everyMinutes > 0, "checkpoint.every_minutes", "checkpointing");
  }

  LoadedConfig loaded_;
  std::vector<std::string> problems_;
};

}  // namespace

std::string readConfigText(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw InputError(path + ": cannot read the config file (does it exist, and may you read it?)");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

LoadedConfig parseConfig(const std::string& sourceName, const std::string& yamlText,
                         const std::vector<std::string>& overrides) {
  ConfigReader reader;
  try {
    reader.readDocument(sourceName, YAML::Load(yamlText));
  } catch (const YAML::Exception& error) {
    throw InputError(where(sourceName, error.mark) + ": not valid YAML: " + error.msg);
  }
  for (const auto& assignment : overrides) reader.readOverride(assignment);
  reader.checkWhole(sourceName);
  return reader.finish();
}

}  // namespace convoy
