#include "flow_support.hpp"

#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace convoy::flowtest {

CommandResult runFlow(const std::vector<std::string>& arguments, const fs::path& directory) {
  std::vector<std::string> argv{CONVOY_FLOW_BINARY};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return e2e::runCommand(argv, directory, std::chrono::seconds(60));
}

std::string fixture(const std::vector<std::string>& arguments, const fs::path& directory) {
  std::vector<std::string> argv{CONVOY_PYTHON, CONVOY_TOOLS_TEST_DIR "/flow_fixtures.py"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const CommandResult result = e2e::runCommand(argv, directory, std::chrono::seconds(60));
  if (result.exitStatus != 0) throw std::runtime_error("flow_fixtures.py failed:\n" + result.describe());
  return result.out;
}

fs::path writeConfig(const fs::path& directory, std::uint64_t cells, std::uint64_t steps, std::uint64_t every,
                     const std::string& init, const std::string& output) {
  const fs::path config = directory / "run.yaml";
  e2e::writeFile(config, "road:\n  cells: " + std::to_string(cells) + "\nmodel:\n  type: rule184\ninit:\n  " + init +
                             "\nrun:\n  steps: " + std::to_string(steps) +
                             "\noutput:\n  directory: unused\n  timeseries_every: " + std::to_string(every) +
                             (output.empty() ? "" : "\n  " + output) + "\nlogging:\n  level: warn\n");
  return config;
}

void runConvoy(const fs::path& config, const fs::path& output, const std::vector<std::string>& sets,
               const fs::path& directory) {
  std::vector<std::string> arguments{"run", config.string(), "--output", output.string()};
  for (const auto& set : sets) {
    arguments.push_back("--set");
    arguments.push_back(set);
  }
  const CommandResult result = e2e::runCommand(e2e::convoyCommand(arguments), directory, std::chrono::seconds(120));
  if (result.exitStatus != 0) throw std::runtime_error("convoy run failed:\n" + result.describe());
}

Json::Json(const std::string& text, const fs::path& directory) {
  const fs::path file = directory / "flow-output.json";
  e2e::writeFile(file, text);
  std::istringstream lines(fixture({"flatten", file.string()}, directory));
  for (std::string line; std::getline(lines, line);) {
    const std::size_t tab = line.find('\t');
    leaves_[line.substr(0, tab)] = line.substr(tab + 1);
  }
}

const std::string& Json::raw(const std::string& path) const {
  const auto found = leaves_.find(path);
  if (found == leaves_.end()) throw std::out_of_range("no JSON value at " + path);
  return found->second;
}

double Json::number(const std::string& path) const {
  const std::string& value = raw(path);
  std::size_t used = 0;
  const double number = std::stod(value, &used);
  if (used != value.size()) throw std::invalid_argument(path + " is not a number: " + value);
  return number;
}

std::string Json::text(const std::string& path) const {
  const std::string& value = raw(path);
  if (value.size() < 2 || value.front() != '"') throw std::invalid_argument(path + " is not a string: " + value);
  return value.substr(1, value.size() - 2);
}

std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (quoted) {
      if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
        cell += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
    } else if (c == '\n') {
      row.push_back(cell);
      rows.push_back(row);
      row.clear();
      cell.clear();
    } else {
      cell += c;
    }
  }
  return rows;
}

std::vector<std::vector<std::string>> splitTable(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) row.push_back(word);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace convoy::flowtest
