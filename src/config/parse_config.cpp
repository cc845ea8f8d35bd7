#include <yaml-cpp/yaml.h>

#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "config/config_keys.hpp"
#include "convoy/config/config.hpp"
#include "convoy/core/error.hpp"

namespace convoy {
namespace {

using config::KeySpec;

std::string where(const std::string& source, const YAML::Mark& mark) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) {
    // A mapping where one of plain values was wanted: say which entry is not one.
    for (const auto& entry : node) {
      if (!entry.second.IsScalar()) {
        return "a mapping whose '" + entry.first.as<std::string>() + "' is " + shown(entry.second);
      }
    }
    return "a mapping";
  }
  return "nothing";
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
  ConfigReader() = default;
  explicit ConfigReader(LoadedConfig loaded) : loaded_(std::move(loaded)) {}

  void applyValue(const std::string& path, const YAML::Node& value, const std::string& place) {
    mentioned_.insert(path);
    const KeySpec* spec = config::findKey(path);
    if (spec == nullptr && isSection(path)) {
      problems_.push_back(place + ": " + path + " is a section, not a key: set one of its keys, " + "e.g. " + path +
                          "." + config::lastPart(firstKeyOf(path)) + " (convoy validate shows them all)");
    } else if (spec == nullptr) {
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
      problems_.push_back(where(source, root.Mark()) +
                          ": expected a mapping of sections (road:, model:, init:, ...), got " + shown(root));
      return;
    }
    readSection(source, "", root);
  }

  // Walks a mapping whose keys extend `prefix`: known keys take their values, known sections
  // (road, output.hdf5, ...) are walked in turn, anything else is unknown.
  void readSection(const std::string& source, const std::string& prefix, const YAML::Node& section) {
    std::map<std::string, std::string> seen;  // key -> where it was first given
    for (const auto& entry : section) {
      const std::string path = prefix + entry.first.as<std::string>();
      const std::string keyPlace = where(source, entry.first.Mark());
      // yaml-cpp keeps the last of two equal keys; YAML forbids them, and the first would be lost.
      if (const auto [first, fresh] = seen.emplace(path, keyPlace); !fresh) {
        problems_.push_back(keyPlace + ": " + path + " is given twice (first at " + first->second + ")");
        continue;
      }
      if (config::findKey(path) != nullptr) {
        applyValue(path, entry.second, where(source, entry.second.Mark()));  // bad values: where the value is
      } else if (!isSection(path)) {
        applyValue(path, entry.second, keyPlace);  // reports the unknown key where the key is
      } else if (!entry.second.IsMap()) {
        problems_.push_back(keyPlace + ": " + path + ": expected a mapping of keys, got " + shown(entry.second));
      } else {
        readSection(source, path + ".", entry.second);
      }
    }
  }

  static std::string firstKeyOf(const std::string& section) {
    const std::string prefix = section + ".";
    for (const auto& spec : config::keySpecs()) {
      if (spec.path.compare(0, prefix.size(), prefix) == 0) return spec.path;
    }
    return section;
  }

  static bool isSection(const std::string& path) {
    const std::string prefix = path + ".";
    for (const auto& spec : config::keySpecs()) {
      if (spec.path.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
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
    source_ = source;
    if (loaded_.config.model.pSlow < 0) loaded_.config.model.pSlow = loaded_.config.model.pBrake;  // plain NaSch
    const Config& c = loaded_.config;
    if (c.init.from.empty()) require("road.cells", source, "the road length in cells");
    require("run.steps", source, "how many steps to run");
    if (c.init.from.empty()) require("init.density", source, "the fraction of cells that hold a car");

    checkAgainstRoadLength();
    if (!c.init.from.empty() && loaded_.setAt.count("init.density")) {
      problem("init.density",
              "init.density and init.from contradict each other: a road read from a file has "
              "its own density; remove one of them");
    }
    for (const char* key : {"init.layout", "init.velocity"}) {
      if (!c.init.from.empty() && loaded_.setAt.count(key)) {
        problem(key, std::string(key) +
                         " and init.from contradict each other: a road read from a file has its own cars "
                         "and velocities; remove one of them");
      }
    }
    checkBoundary(source);
    if (c.model.type == ModelType::Rule184 && loaded_.setAt.count("model.p_slow")) {
      problem("model.p_slow",
              "model.p_slow is for model.type nasch only (slow-to-start braking); remove it, or set model.type: "
              "nasch");
    }
    if (c.model.type == ModelType::Rule184 && loaded_.setAt.count("init.velocity")) {
      problem("init.velocity",
              "init.velocity is for model.type nasch only: rule-184 cars have no velocity; remove it, or set "
              "model.type: nasch");
    }
    if (!c.init.dataset.empty() && c.init.from.empty()) {
      problem("init.dataset", "init.dataset names a dataset in init.from, but init.from is not given");
    }
    if (c.run.steps % c.output.timeseriesEvery != 0) {
      loaded_.warnings.push_back(placeOf("run.steps") + ": run.steps (" + std::to_string(c.run.steps) +
                                 ") is not a multiple of output.timeseries_every (" +
                                 std::to_string(c.output.timeseriesEvery) +
                                 "): the last steps, which fill no whole row, are not in the time series");
    }
    // Every advance of the road ends where the window samples it, or where a snapshot or checkpoint is
    // due (Simulation::runBlock, nextSyncStep): a cadence of 1 makes the halos come every step.
    for (const auto& [key, every, what] :
         {std::tuple{"output.spacetime.every", c.output.spacetime.every, "the space-time window samples the road"},
          std::tuple{"output.snapshot_every", c.output.snapshotEvery, "a snapshot is written"},
          std::tuple{"checkpoint.every_steps", c.checkpoint.everySteps, "a checkpoint is written"}}) {
      if (every != 1) continue;
      loaded_.warnings.push_back(placeOf(key) + ": " + key +
                                 " = 1: halo exchanges every step, as each one ends where " + what +
                                 " (multi-step exchanges need a value > 1)");
    }
    if (c.model.type == ModelType::Rule184) {
      for (const char* key : {"model.vmax", "model.p_brake"}) {
        if (loaded_.setAt.count(key)) {
          loaded_.warnings.push_back(placeOf(key) + ": " + key +
                                     " is used by model.type nasch only; it is ignored for rule184");
        }
      }
    }
  }

  // What depends on road.cells: checked when the config is read and, for a road read from init.from,
  // again once its length is known (withRoadLength).
  void checkAgainstRoadLength() {
    const Config& c = loaded_.config;
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < c.output.detectors.size(); ++i) {
      const std::uint64_t position = c.output.detectors[i];
      if (c.road.cells == 0) break;  // the length comes from init.from; checked again once it is known
      if (position >= c.road.cells) {
        problem("output.detectors", "output.detectors[" + std::to_string(i) + "] = " + std::to_string(position) +
                                        " is not a cell of the road (0 to " + std::to_string(c.road.cells - 1) + ")");
      } else if (!seen.insert(position).second) {
        problem("output.detectors", "output.detectors lists cell " + std::to_string(position) + " twice");
      }
    }
    if (c.road.cells > 0 && c.output.profileBins > c.road.cells) {
      if (loaded_.setAt.count("output.profile_bins")) {
        problem("output.profile_bins", "output.profile_bins (" + std::to_string(c.output.profileBins) +
                                           ") must not exceed road.cells (" + std::to_string(c.road.cells) + ")");
      } else {
        loaded_.config.output.profileBins = c.road.cells;  // the default, on a short road: a bin per cell
      }
    }
    checkSpacetimeWindow();
  }

  void setSource(const std::string& source) { source_ = source; }

  LoadedConfig finish() {
    if (!problems_.empty()) throw InputError(problems_);
    return std::move(loaded_);
  }

 private:
  // The space-time window must lie on the road (it may wrap around its end).
  void checkSpacetimeWindow() {
    const Config& c = loaded_.config;
    if (c.road.cells == 0) return;  // the length comes from init.from; checked again once it is known
    const auto& window = c.output.spacetime;
    if (window.start >= c.road.cells) {
      problem("output.spacetime.start", "output.spacetime.start (" + std::to_string(window.start) +
                                            ") is not a cell of the road (0 to " + std::to_string(c.road.cells - 1) +
                                            ")");
    }
    if (window.width > c.road.cells) {
      if (loaded_.setAt.count("output.spacetime.width")) {
        problem("output.spacetime.width", "output.spacetime.width (" + std::to_string(window.width) +
                                              ") must not exceed road.cells (" + std::to_string(c.road.cells) + ")");
      } else {
        loaded_.config.output.spacetime.width = c.road.cells;  // the default, on a short road: all of it
      }
    }
  }

  void require(const std::string& path, const std::string& source, const std::string& meaning) {
    if (mentioned_.count(path) == 0) {
      problems_.push_back(source + ": " + path + " is missing: give " + meaning);
    }
  }

  // Where a key was set (or the file, for a default).
  std::string placeOf(const std::string& path) const {
    const auto setAt = loaded_.setAt.find(path);
    return setAt != loaded_.setAt.end() ? setAt->second : source_;
  }

  void problem(const std::string& path, const std::string& message) {
    problems_.push_back(placeOf(path) + ": " + message);
  }

  // An open road needs both its entry and exit probabilities; a ring road has neither.
  void checkBoundary(const std::string& source) {
    const bool open = loaded_.config.road.boundary == Boundary::Open;
    for (const auto& [key, what] : {std::pair{"road.alpha", "the probability that a car enters cell 0 in a step"},
                                    std::pair{"road.beta", "the probability that the car in the last cell leaves"}}) {
      if (open) {
        require(key, source, std::string(what) + " (road.boundary is open)");
        continue;
      } else if (loaded_.setAt.count(key)) {
        problem(key, std::string(key) +
                         " is for road.boundary: open only (a ring road has no ends); remove it, or set "
                         "road.boundary: open");
      }
    }
    // A row counts the cars on the road at every step's start (its car-steps) in 64 bits.
    const Config& c = loaded_.config;
    if (open && c.road.cells > 0 &&
        c.output.timeseriesEvery > std::numeric_limits<std::int64_t>::max() / c.road.cells) {
      problem("output.timeseries_every", "output.timeseries_every (" + std::to_string(c.output.timeseriesEvery) +
                                             ") x road.cells (" + std::to_string(c.road.cells) +
                                             ") must be below 2^63 on an open road (a row counts its car-steps)");
    }
  }

  LoadedConfig loaded_;
  std::set<std::string> mentioned_;  // keys given, with good values or bad ones
  std::string source_;
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
                         const std::vector<std::string>& overrides, const std::vector<OptionValue>& options) {
  ConfigReader reader;
  try {
    reader.readDocument(sourceName, YAML::Load(yamlText));
  } catch (const YAML::Exception& error) {
    throw InputError(where(sourceName, error.mark) + ": not valid YAML: " + error.msg);
  }
  for (const auto& assignment : overrides) reader.readOverride(assignment);
  // An option's value is the text given, never YAML syntax (a directory may be called "[a]").
  for (const auto& option : options) reader.applyValue(option.key, YAML::Node(option.value), option.place);
  reader.checkWhole(sourceName);
  return reader.finish();
}

LoadedConfig withRoadLength(LoadedConfig loaded, std::uint64_t cells, const std::string& sourceName) {
  loaded.config.road.cells = cells;
  ConfigReader reader(std::move(loaded));
  reader.setSource(sourceName);
  reader.checkAgainstRoadLength();
  return reader.finish();
}

}  // namespace convoy
