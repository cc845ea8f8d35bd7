#include "convoy/output_directory.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <system_error>

#include "convoy/error.hpp"

namespace fs = std::filesystem;

namespace convoy {
namespace {

void refuseDifferentPhysics(const Config& config) {
  const fs::path existing = configFilePath(config);
  std::error_code error;
  if (!fs::exists(existing, error)) return;
  Config earlier;
  try {
    earlier = parseConfig(existing.string(), readConfigText(existing.string()), {}).config;
  } catch (const InputError& problem) {
    throw InputError(config.output.directory + " holds a config.yaml that convoy cannot read, so it may belong to "
                     "another run; choose another output.directory. The problem: " + problem.what());
  }
  const auto differences = physicsDifferences(config, earlier);
  if (differences.empty()) return;
  std::string list;
  for (const auto& difference : differences) list += (list.empty() ? "" : ", ") + difference;
  throw InputError("output.directory " + config.output.directory +
                   " holds a run of different physics (this config vs the one there: " + list +
                   "); nothing was changed. Choose another output.directory, or --output DIR");
}

void writeAtomically(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream file(temporary);
    file << text;
    file.close();
    if (!file) throw RuntimeError("cannot write " + temporary.string());
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) throw RuntimeError("cannot rename " + temporary.string() + " to " + path.string() + ": " + error.message());
}

}  // namespace

fs::path configFilePath(const Config& config) { return fs::path(config.output.directory) / "config.yaml"; }

fs::path logFilePath(const Config& config) { return fs::path(config.output.directory) / "run.log"; }

void prepareOutputDirectory(const Comm& comm, const Config& config) {
  comm.onRootThenShareErrors([&] {
    refuseDifferentPhysics(config);
    std::error_code error;
    fs::create_directories(config.output.directory, error);
    if (error) {
      throw RuntimeError("cannot create the output directory " + config.output.directory + ": " + error.message());
    }
    writeAtomically(configFilePath(config), toYaml(config));
  });
}

}  // namespace convoy
