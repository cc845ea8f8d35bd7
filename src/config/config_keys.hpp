// The table of config keys: each key's path, what it accepts, and where its value goes.
// Internal to the config module.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"

namespace convoy::config {

struct KeySpec {
  std::string path;      // "road.cells"
  std::string expected;  // "an integer from 1 to 2^62", for messages
  // Stores the node's value into the config; false if the node does not hold an accepted value.
  std::function<bool(const YAML::Node&, Config&)> apply;
};

const std::vector<KeySpec>& keySpecs();
const KeySpec* findKey(const std::string& path);
// The known key nearest to `path` (by edit distance, or by its last part), or "" if none is close.
std::string suggestKey(const std::string& path);

}  // namespace convoy::config
