// The table of config keys: each key's path, what it accepts, and where its value goes.
// Internal to the config module.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"

namespace convoy::config {

// One key of the table, which drives everything done with keys: parsing and checking (apply), the
// resolved config (emit, in table order), and the physics that two runs must share (physics, text).
struct KeySpec {
  std::string path;      // "road.cells"
  std::string expected;  // "an integer from 1 to 2^62", for messages
  // Stores the node's value into the config; false if the node does not hold an accepted value.
  std::function<bool(const YAML::Node&, Config&)> apply;
  // Writes the config's value as YAML (the value only: the key is written by the caller).
  std::function<void(const Config&, YAML::Emitter&)> emit;
  // The config's value as one exact text ("0.30000000000000004", "nasch"): for the physics.
  std::function<std::string(const Config&)> text;
  // Whether the resolved config shows the key (model.vmax only for nasch, init.from only when set).
  std::function<bool(const Config&)> shown = [](const Config&) { return true; };
  // A physics key: two runs continue one another only if its value is the same, where it matters
  // in both (init.density only without init.from, model.vmax only for nasch).
  bool physics = false;
  std::function<bool(const Config&)> matters = [](const Config&) { return true; };
  // Whether the physics hash (stored in checkpoints) includes the key, if not wherever it matters: a
  // key added later is hashed only away from its default, so that older checkpoints keep their hash.
  std::function<bool(const Config&)> hashed = nullptr;
};

const std::vector<KeySpec>& keySpecs();
const KeySpec* findKey(const std::string& path);
// The last part of a dotted key path ("output.spacetime.width" -> "width").
std::string lastPart(const std::string& path);
// The known key nearest to `path` (by edit distance, or by its last part), or "" if none is close.
std::string suggestKey(const std::string& path);

}  // namespace convoy::config
