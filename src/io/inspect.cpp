#include "convoy/io/inspect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "convoy/decomposition.hpp"
#include "convoy/digest.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/velocity_planes.hpp"
#include "convoy/packed_road.hpp"

namespace convoy::io {
namespace {

struct RoadCheck {
  std::uint64_t cars = 0;
  std::uint64_t digest = 0;
};

// Collective: every rank reads its part of /road and the partial sums are added up.
RoadCheck recomputeRoad(const Comm& comm, const h5::OpenFile& file, std::uint64_t cells) {
  const Decomposition decomposition(cells, comm.size());
  const CellRange range = decomposition.range(comm.rank());
  std::vector<std::uint64_t> words(packed::wordsFor(range.cells()));
  const h5::Dataset road = h5::openDataset(file.get(), "road", file.path);
  if (h5::extent(road) != std::vector<std::uint64_t>{packed::wordsFor(cells)}) {
    throw InputError(file.path + ": /road does not hold " + std::to_string(packed::wordsFor(cells)) +
                     " words for the file's " + std::to_string(cells) + " cells");
  }
  h5::readDistributed(road, H5T_NATIVE_UINT64, {range.begin / packed::kCellsPerWord, words.size()}, words.data());
  // Bits set past the last cell are damage too: counted as cars, they make the count disagree.
  std::array<std::uint64_t, 2> sums{packed::countCars(words),
                                    digest::partialSum(words, range) + planesDigestPartialSum(comm, file.get(), file.path, range)};
  comm.sumInPlace(sums);
  return {sums[0], digest::finish(sums[1], cells)};
}

void printIdentity(std::ostream& out, hid_t file, const std::string& path) {
  out << "file: " << path << "\n";
  out << "kind: " << h5::readTextAttribute(file, "kind") << "\n";
  out << "convoy_version: " << h5::readTextAttribute(file, "convoy_version") << "\n";
  out << "model: " << h5::readTextAttribute(file, "model") << "\n";
  out << "cells: " << h5::readUnsignedAttribute(file, "cells") << "\n";
  out << "cars: " << h5::readUnsignedAttribute(file, "cars") << "\n";
}

void printConfig(std::ostream& out, hid_t file) {
  out << "config: |\n";
  std::string config = h5::readTextAttribute(file, "config");
  for (std::size_t start = 0; start < config.size();) {
    const std::size_t end = std::min(config.find('\n', start), config.size());
    out << "  " << config.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

template <typename Value>
std::vector<Value> readColumn(hid_t file, const std::string& name, hid_t memoryType, const std::string& path) {
  const h5::Dataset dataset = h5::openDataset(file, name, path);
  std::vector<Value> values(h5::extent(dataset)[0]);
  if (!values.empty()) {
    h5::check(H5Dread(dataset.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + name);
  }
  return values;
}

void printTimeseries(std::ostream& out, hid_t file, const std::string& path) {
  const auto steps = readColumn<std::int64_t>(file, "step", H5T_NATIVE_INT64, path);
  const auto flows = readColumn<double>(file, "flow", H5T_NATIVE_DOUBLE, path);
  const auto velocities = readColumn<double>(file, "mean_velocity", H5T_NATIVE_DOUBLE, path);
  const auto detectors = readColumn<std::int64_t>(file, "detectors/position", H5T_NATIVE_INT64, path);
  out << "timeseries_every: " << h5::readUnsignedAttribute(file, "timeseries_every") << "\n";
  out << "rows: " << steps.size() << "\n";
  out << "detectors: " << detectors.size() << "\n";
  if (steps.empty()) return;
  double flowSum = 0;
  for (const double flow : flows) flowSum += flow;
  out << fmt::format("first row: step {}, flow {:.6f}, mean_velocity {:.6f}\n", steps.front(), flows.front(),
                     velocities.front());
  out << fmt::format("last row: step {}, flow {:.6f}, mean_velocity {:.6f}\n", steps.back(), flows.back(),
                     velocities.back());
  out << fmt::format("mean flow over all rows: {:.6f}\n", flowSum / static_cast<double>(flows.size()));
}

void printSpacetime(std::ostream& out, hid_t file, const std::string& path) {
  const auto steps = readColumn<std::int64_t>(file, "step", H5T_NATIVE_INT64, path);
  for (const char* name : {"start", "width", "every"}) out << name << ": " << h5::readUnsignedAttribute(file, name) << "\n";
  out << "rows: " << steps.size() << "\n";
  if (!steps.empty()) out << "steps: " << steps.front() << " to " << steps.back() << "\n";
}

// Rank 0 alone: what kind of file, and the summary of it that needs no collective reading.
void describeFile(const std::string& path, std::ostream& out, std::string& kind) {
  const h5::OpenFile file = h5::openSerial(path, h5::Access::ReadOnly);
  if (!h5::hasAttribute(file.get(), "kind")) {
    throw InputError(path + ": an HDF5 file, but not one convoy wrote (it has no 'kind' attribute); a uint8 "
                            "dataset of 0/1 per cell in it can still start a run with init.from and init.dataset");
  }
  kind = h5::readTextAttribute(file.get(), "kind");
  if (kind != "timeseries" && kind != "spacetime" && kind != "snapshot" && kind != "checkpoint") {
    throw InputError(path + ": a file of kind '" + kind + "', which this version of convoy does not know");
  }
  printIdentity(out, file.get(), path);
  if (kind == "timeseries") printTimeseries(out, file.get(), path);
  if (kind == "spacetime") printSpacetime(out, file.get(), path);
}

}  // namespace

ExitCode inspectFile(const Comm& comm, const std::string& path, std::ostream& out) {
  std::string kind;
  comm.onRootThenShareErrors([&] {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw InputError(path + ": no such file");
    if (!h5::isHdf5File(path)) throw InputError(path + ": not an HDF5 file");
    try {
      describeFile(path, out, kind);
    } catch (const h5::Error& failure) {
      throw InputError(path + ": " + failure.what());  // a damaged file is bad input, not a runtime failure
    }
  });

  kind = comm.broadcastFromRoot(kind);
  if (kind == "timeseries" || kind == "spacetime") return ExitCode::Success;

  // A state file (snapshot or checkpoint): recompute what it claims.
  const h5::OpenFile file = h5::openCollective(path, comm, h5::Settings{}, h5::Access::ReadOnly);
  const std::uint64_t cells = h5::readUnsignedAttribute(file.get(), "cells");
  const std::uint64_t storedCars = h5::readUnsignedAttribute(file.get(), "cars");
  const std::uint64_t storedDigest = h5::readUnsignedAttribute(file.get(), "digest");
  const RoadCheck check = recomputeRoad(comm, file, cells);
  const bool matches = check.digest == storedDigest && check.cars == storedCars;
  if (comm.isRoot()) {
    out << "step: " << h5::readUnsignedAttribute(file.get(), "step") << "\n";
    out << "encoding: " << h5::readTextAttribute(file.get(), "encoding") << "\n";
    out << fmt::format("digest: {:016x} stored, {:016x} recomputed from the road: {}\n", storedDigest, check.digest,
                       check.digest == storedDigest ? "matches" : "DOES NOT MATCH");
    out << fmt::format("cars counted in the road: {} ({})\n", check.cars,
                       check.cars == storedCars ? "matches" : "DOES NOT MATCH the cars attribute");
    if (h5::hasDataset(file.get(), "density_profile")) {
      out << "density_profile: " << h5::extent(h5::openDataset(file.get(), "density_profile", path))[0] << " bins\n";
    }
    printConfig(out, file.get());
  }
  return matches ? ExitCode::Success : ExitCode::BadInput;
}

}  // namespace convoy::io
