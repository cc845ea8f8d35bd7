#include "convoy/io/inspect.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "convoy/core/counted.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/road_file.hpp"
#include "convoy/io/series_reader.hpp"
#include "convoy/io/state_file.hpp"

namespace convoy::io {
namespace {

void printIdentity(std::ostream& out, h5::Node file, const std::string& path) {
  out << "file: " << path << "\n";
  out << "kind: " << h5::readAttribute<std::string>(file, format::kKindAttribute) << "\n";
  out << "convoy_version: " << h5::readAttribute<std::string>(file, format::kVersionAttribute) << "\n";
  out << "model: " << h5::readAttribute<std::string>(file, format::kModelAttribute) << "\n";
  out << "cells: " << h5::readAttribute<std::uint64_t>(file, format::kCellsAttribute) << "\n";
  out << "cars: " << h5::readAttribute<std::uint64_t>(file, format::kCarsAttribute) << "\n";
}

void printConfig(std::ostream& out, h5::Node file) {
  out << "config: |\n";
  const std::string config = h5::readAttribute<std::string>(file, format::kConfigAttribute);
  for (std::size_t start = 0; start < config.size();) {
    const std::size_t end = std::min(config.find('\n', start), config.size());
    out << "  " << config.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

const char* writingNote(bool beingWritten) {
  return beingWritten ? "being written (a run has it open, or its writer was killed): the complete rows are shown\n"
                      : "";
}

void describeTimeseries(const std::string& path, std::ostream& out) {
  const TimeseriesInfo info = readTimeseries(path);
  printIdentity(out, info.file, path);
  out << writingNote(info.file.beingWritten);
  out << "timeseries_every: " << info.every << "\n";
  out << "rows: " << info.rows << "\n";
  out << "detectors: " << info.detectorPositions.size() << "\n";
  if (info.rows == 0) return;
  out << fmt::format("last row: step {}\n", info.lastStep);
  out << fmt::format("mean flow over all rows: {:.6f}\n", info.meanFlow);
}

void describeSpacetime(const std::string& path, std::ostream& out) {
  const SpacetimeInfo info = readSpacetime(path);
  printIdentity(out, info.file, path);
  out << writingNote(info.file.beingWritten);
  out << "start: " << info.start << "\nwidth: " << info.width << "\nevery: " << info.every << "\n";
  out << "rows: " << info.rows << "\n";
  if (info.rows > 0) out << "steps: " << info.firstStep << " to " << info.lastStep << "\n";
}

// The file in `directory` to inspect, if one is obvious: a run's time series; in a checkpoints/ or
// snapshots/ folder the newest file (the last by name, which holds the step); else its only HDF5
// file. "" if none is.
std::string likelyFileIn(const std::filesystem::path& directory) {
  std::error_code error;
  if (std::filesystem::is_regular_file(directory / format::kTimeseriesFile, error)) {
    return (directory / format::kTimeseriesFile).string();
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".h5") files.push_back(entry.path().string());
  }
  std::filesystem::path normal = directory.lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();  // "out/checkpoints/"
  const std::string folder = normal.filename().string();
  const bool stateFolder = folder == format::kCheckpointsFolder || folder == format::kSnapshotsFolder;
  if (files.size() == 1 || (stateFolder && !files.empty())) return *std::max_element(files.begin(), files.end());
  return "";
}

std::string notAFile(const std::string& path) {
  const std::string inside = likelyFileIn(path);
  return path + ": a directory, not a file; " +
         (inside.empty() ? "give a convoy HDF5 file" : "give a file in it, e.g. convoy inspect " + inside);
}

// In a run's directory, the text files (run.log, config.yaml) are read as they are; the time series
// next to them is what inspect summarises.
std::string notHdf5(const std::string& path) {
  const std::filesystem::path beside = std::filesystem::path(path).parent_path() / format::kTimeseriesFile;
  std::error_code error;
  if (!std::filesystem::is_regular_file(beside, error)) return path + ": not an HDF5 file";
  return path + ": not an HDF5 file (run.log and config.yaml are plain text); try convoy inspect " + beside.string();
}

// Rank 0: what kind of convoy file `path` is (InputError if none).
std::string kindOf(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw InputError(notAFile(path));
  if (!std::filesystem::is_regular_file(path, error)) throw InputError(path + ": no such file");
  if (!h5::isHdf5File(path)) throw InputError(notHdf5(path));
  try {
    const h5::ReadFile file = h5::openForReading(path);
    if (!h5::hasAttribute(file, format::kKindAttribute)) {
      throw InputError(path +
                       ": an HDF5 file, but not one convoy wrote (it has no 'kind' attribute); a uint8 "
                       "dataset of 0/1 per cell in it can still start a run with init.from and init.dataset");
    }
    return h5::readAttribute<std::string>(file, format::kKindAttribute);
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
}

// Collective: a snapshot's road read back and checked against what the file claims (the checks
// init.from makes); the problem, or "".
std::string checkSnapshot(const Comm& comm, const std::string& path, std::ostream& out) {
  RoadFileInfo info;
  try {
    info = describeRoadFile(comm, {path, "", "inspect"});
  } catch (const InputError& error) {
    return error.what();
  }
  StateSums sums;
  try {
    sums = readStateRoad(comm, path, Decomposition(info.cells, comm.size()), info.planes);
  } catch (const RuntimeError& error) {
    return error.what();
  }
  const std::uint64_t digest = sums.digest(info.cells);
  if (comm.isRoot()) {
    out << fmt::format("digest: {:016x} stored, {:016x} recomputed from the road: {}\n", info.digest, digest,
                       digest == info.digest ? "matches" : "DOES NOT MATCH");
    out << fmt::format("cars counted in the road: {} ({})\n", sums.cars,
                       sums.cars == info.cars ? "matches" : "DOES NOT MATCH the cars attribute");
  }
  if (digest != info.digest || sums.cars != info.cars) return "its road does not match what the file claims";
  if (sums.paddingWords > 0) return "its road has bits set past the last cell";
  if (sums.strayVelocities > 0) return "its velocity planes have velocities on cells without a car";
  return "";
}

void printStateSummary(std::ostream& out, const std::string& path) {
  const h5::OpenFile file = h5::openSerial(path, h5::Access::ReadOnly);
  printIdentity(out, file, path);
  out << "step: " << h5::readAttribute<std::uint64_t>(file, format::kStepAttribute) << "\n";
  out << "encoding: " << format::encodingName(h5::readAttribute<std::string>(file, format::kEncodingAttribute)) << "\n";
  if (h5::hasAttribute(file, format::kPlanesAttribute)) {
    out << "velocity_planes: " << h5::readAttribute<std::uint64_t>(file, format::kPlanesAttribute) << "\n";
  }
  printConfig(out, file);
}

}  // namespace

ExitCode inspectFile(const Comm& comm, const std::string& path, std::ostream& out) {
  std::string kind;
  comm.onRootThenShareErrors([&] {
    kind = kindOf(path);
    if (kind == format::kTimeseries) describeTimeseries(path, out);
    if (kind == format::kSpacetime) describeSpacetime(path, out);
    if (kind != format::kTimeseries && kind != format::kSpacetime && kind != format::kSnapshot &&
        kind != format::kCheckpoint) {
      throw InputError(path + ": a file of kind '" + kind + "', which this version of convoy does not know");
    }
  });
  kind = comm.broadcast(kind);
  if (kind == format::kTimeseries || kind == format::kSpacetime) return ExitCode::Success;

  // A state file: everything it claims is checked, as a restart or init.from would check it.
  std::string problem;
  if (kind == format::kCheckpoint) {
    const CheckpointCheck check = checkCheckpoint(comm, path);
    problem = check.problem;
    if (comm.isRoot() && check.checkpoint) {
      out << fmt::format("digest: {:016x} stored, recomputed from the road: matches\n", check.checkpoint->digest);
      out << fmt::format("cars counted in the road: {} (matches)\n", check.checkpoint->cars);
      out << fmt::format("time series: its first {} of timeseries.h5 belong to it\n",
                         counted(check.checkpoint->state.timeseries.rows, "row"));
    }
  } else {
    problem = checkSnapshot(comm, path, out);
  }
  comm.onRootThenShareErrors([&] {
    try {
      printStateSummary(out, path);
    } catch (const h5::Error& failure) {
      if (problem.empty()) problem = failure.what();
    }
  });
  problem = comm.broadcast(problem);
  if (problem.empty()) return ExitCode::Success;
  if (comm.isRoot()) {
    out << "NOT VALID: " << problem << "\n";
    spdlog::error("{}: not a valid {}: {}", path, kind, problem);
  }
  return ExitCode::BadInput;
}

}  // namespace convoy::io
