// What a convoy-flow jams report must say about one file (or the total), worked out by hand in the
// tests: shared by the rule-184 and the NaSch jam tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "flow_support.hpp"

namespace convoy::flowtest {

struct Expected {
  std::uint64_t cells;
  std::uint64_t cars;
  std::uint64_t stopped;
  std::map<std::uint64_t, std::uint64_t> lengths;  // jam length -> count
};

// Checks the JSON fields under `prefix` (e.g. "files/0/" or "total/") against `expected`: counts,
// the derived fraction and mean (null when undefined), the largest jam and the length histogram.
void expectFile(const Json& json, const std::string& prefix, const Expected& expected);

// Checks the JSON fields under `prefix` against the independent Python count `oracle` (flow_fixtures.py
// jams / nasch-jams: "cars C stopped S jams J" then "length count" pairs), on a road with many jams.
void expectOracleCounts(const Json& json, const std::string& prefix, const std::string& oracle);

}  // namespace convoy::flowtest
