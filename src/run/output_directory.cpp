#include "convoy/run/output_directory.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "convoy/core/error.hpp"

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
    throw InputError(config.output.directory +
                     " holds a config.yaml that convoy cannot read, so it may belong to "
                     "another run; choose another output.directory. The problem: " +
                     problem.what());
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
  std::error_code error;
  {
    std::ofstream file(temporary);
    file << text;
    file.close();
    if (!file) {
      fs::remove(temporary, error);  // nothing half-written is left behind
      throw RuntimeError("cannot write " + temporary.string() + ": " + std::strerror(errno));
    }
  }
  fs::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw RuntimeError("cannot rename " + temporary.string() + " to " + path.string() + ": " + error.message());
  }
}

// A file a killed segment may leave: a snapshot or checkpoint written aside (name.tmp), or a lock
// file of Open MPI's MPI-IO from convoy 0.1 (name.tmp-<number>-<number>.lock).
bool isDebris(const std::string& name) {
  return name.ends_with(".h5.tmp") || (name.find(".h5.tmp-") != std::string::npos && name.ends_with(".lock"));
}

void removeDebris(const Config& config) {
  int removed = 0;
  for (const char* folder : {"checkpoints", "snapshots"}) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(fs::path(config.output.directory) / folder, error)) {
      if (!isDebris(entry.path().filename().string())) continue;
      std::error_code removeError;
      if (fs::remove(entry.path(), removeError)) ++removed;
    }
  }
  if (removed > 0) spdlog::info("removed {} temporary file(s) left by a segment that was killed", removed);
}

}  // namespace

fs::path configFilePath(const Config& config) { return fs::path(config.output.directory) / "config.yaml"; }

fs::path logFilePath(const Config& config) { return fs::path(config.output.directory) / "run.log"; }

fs::path statusFilePath(const Config& config) { return fs::path(config.output.directory) / "run.status"; }

void recordSegmentEnd(const Comm& comm, const Config& config, ExitCode code, const std::string& text) {
  if (!comm.isRoot()) return;
  const char* word = code == ExitCode::Success ? "finished" : code == ExitCode::StoppedEarly ? "stopped" : "failed";
  try {
    writeAtomically(statusFilePath(config), std::to_string(static_cast<int>(code)) + " " + word + " " + text + "\n");
  } catch (const RuntimeError& error) {
    spdlog::warn("cannot record the end of this segment in {}: {}", statusFilePath(config).string(), error.what());
  }
}

void prepareOutputDirectory(const Comm& comm, const Config& config) {
  comm.onRootThenShareErrors([&] {
    refuseDifferentPhysics(config);
    std::error_code error;
    fs::create_directories(config.output.directory, error);
    if (error) {
      throw RuntimeError("cannot create the output directory " + config.output.directory + ": " + error.message());
    }
    removeDebris(config);
    writeAtomically(configFilePath(config), toYaml(config));
  });
}

}  // namespace convoy
