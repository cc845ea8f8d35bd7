// Helpers for the convoy-flow tests: run convoy-flow and convoy, make fixtures with
// flow_fixtures.py (Python with h5py), and read convoy-flow's JSON through Python's strict parser.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::flowtest {

using e2e::CommandResult;

// convoy-flow with `arguments`, run in `directory`.
CommandResult runFlow(const std::vector<std::string>& arguments, const std::filesystem::path& directory);
// tests/tools/flow_fixtures.py with `arguments`; fails the test (throws) if it fails.
std::string fixture(const std::vector<std::string>& arguments, const std::filesystem::path& directory);

// A rule-184 config for `convoy run` written into `directory`: `init` is the YAML of the init
// section's keys (e.g. "density: 0.3"), `output` extra keys of the output section (e.g. "detectors: [0]").
std::filesystem::path writeConfig(const std::filesystem::path& directory, std::uint64_t cells, std::uint64_t steps,
                                  std::uint64_t every, const std::string& init = "density: 0.5",
                                  const std::string& output = "");
// `convoy run CONFIG --output OUTPUT --set ...`; throws with the output if it fails.
void runConvoy(const std::filesystem::path& config, const std::filesystem::path& output,
               const std::vector<std::string>& sets, const std::filesystem::path& directory);

// A JSON document flattened to path -> JSON text of the leaf ("runs/0/density" -> "0.1",
// "model" -> "\"rule184\"", arrays also give "runs/#" -> their length). Python's json parses it
// first, so invalid JSON (NaN, trailing commas, bad escapes) fails the test.
class Json {
 public:
  Json(const std::string& text, const std::filesystem::path& directory);
  bool has(const std::string& path) const { return leaves_.count(path) > 0; }
  const std::string& raw(const std::string& path) const;
  double number(const std::string& path) const;  // throws for null and non-numbers
  std::uint64_t count(const std::string& path) const { return static_cast<std::uint64_t>(number(path)); }
  std::string text(const std::string& path) const;  // a string leaf without its quotes
  bool isNull(const std::string& path) const { return raw(path) == "null"; }

 private:
  std::map<std::string, std::string> leaves_;
};

// CSV text as rows of cells (no quoting needed by the tests' data, but quotes are honoured).
std::vector<std::vector<std::string>> parseCsv(const std::string& text);
// Lines of `text` split at runs of spaces (aligned tables).
std::vector<std::vector<std::string>> splitTable(const std::string& text);

}  // namespace convoy::flowtest
