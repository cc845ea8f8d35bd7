#include "convoy/io/checkpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "convoy/digest.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/velocity_planes.hpp"
#include "convoy/packed_road.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

constexpr const char* kPrefix = "checkpoint_";
constexpr const char* kSuffix = ".h5";

// The rows as columns, for writing (rank 0 holds the rows; the others pass none).
struct RowColumns {
  std::vector<std::int64_t> steps, distances, counts;
  explicit RowColumns(const std::vector<FlowRow>& rows) {
    for (const FlowRow& row : rows) {
      steps.push_back(static_cast<std::int64_t>(row.step));
      distances.push_back(row.distance);
      counts.insert(counts.end(), row.detectorCounts.begin(), row.detectorCounts.end());
    }
  }
};

// A check sum of the time series a checkpoint carries (FNV-1a over every number of every row), so
// that a damaged series is caught like a damaged road.
std::uint64_t rowsDigest(const std::vector<FlowRow>& rows) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto add = [&hash](std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) hash = (hash ^ ((value >> (8 * byte)) & 0xFF)) * 0x100000001b3ULL;
  };
  for (const FlowRow& row : rows) {
    add(row.step);
    add(static_cast<std::uint64_t>(row.distance));
    for (const std::int64_t count : row.detectorCounts) add(static_cast<std::uint64_t>(count));
  }
  return hash;
}

void writeRootColumn(const Comm& comm, hid_t file, const std::string& name, std::uint64_t count,
                     const std::int64_t* data) {
  h5::writeDistributed(file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, count, {0, comm.isRoot() ? count : 0}, data);
}

void writeFile(const Comm& comm, const std::string& path, const Road& road, const RunIdentity& identity,
               std::uint64_t hash, const CheckpointState& state, std::uint64_t digest, const h5::Settings& settings) {
  // Every rank must pass the same attribute values: the row count is rank 0's, shared.
  const std::uint64_t rows = std::stoull(comm.broadcastFromRoot(std::to_string(state.rows.size())));
  const std::uint64_t detectors = state.openRow.detectorCounts.size();
  h5::OpenFile file = h5::createCollective(path, comm, settings);
  writeIdentity(file.get(), "checkpoint", identity);
  h5::writeAttribute(file.get(), "step", state.step);
  h5::writeAttribute(file.get(), "digest", digest);
  h5::writeAttribute(file.get(), "encoding", roadEncoding(road));
  h5::writeAttribute(file.get(), "physics_hash", hash);
  h5::writeAttribute(file.get(), "timeseries_every", state.timeseriesEvery);
  h5::writeAttribute(file.get(), "timeseries_rows", rows);
  const std::uint64_t rowsCheck = std::stoull(comm.broadcastFromRoot(std::to_string(rowsDigest(state.rows))));
  h5::writeAttribute(file.get(), "timeseries_digest", rowsCheck);
  h5::writeAttribute(file.get(), "detectors", detectors);
  h5::writeAttribute(file.get(), "open_row_steps", state.openRow.steps);
  h5::writeAttribute(file.get(), "open_row_distance", state.openRow.distance);
  h5::writeDistributed(file.get(), "road", H5T_STD_U64LE, H5T_NATIVE_UINT64, packed::wordsFor(identity.cells),
                       {road.range().begin / packed::kCellsPerWord, road.words().size()}, road.words().data());
  writeVelocityPlanes(comm, file.get(), road, identity.cells);
  writeRootColumn(comm, file.get(), "open_row_detector_counts", detectors, state.openRow.detectorCounts.data());
  {
    const RowColumns columns(state.rows);
    const h5::Group group = h5::createGroup(file.get(), "timeseries");
    writeRootColumn(comm, group.get(), "step", rows, columns.steps.data());
    writeRootColumn(comm, group.get(), "distance", rows, columns.distances.data());
    writeRootColumn(comm, group.get(), "detector_counts", rows * detectors, columns.counts.data());
  }
  file.handle.closeOrThrow("close " + path);
}

template <typename Value>
std::vector<Value> readWhole(hid_t location, const std::string& name, hid_t memoryType, const std::string& path) {
  const h5::Dataset dataset = h5::openDataset(location, name, path);
  std::vector<Value> values(h5::extent(dataset).at(0));
  if (!values.empty()) {
    h5::check(H5Dread(dataset.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              "read " + name + " in " + path);
  }
  return values;
}

// Rank 0 alone, serially: everything but the road. Throws h5::Error or RuntimeError with the reason.
FoundCheckpoint readSmallParts(const std::string& path, std::uint64_t& cells) {
  if (!h5::isHdf5File(path)) throw RuntimeError("not a readable HDF5 file (truncated or damaged?)");
  const h5::OpenFile file = h5::openSerial(path, h5::Access::ReadOnly);
  if (!h5::hasAttribute(file.get(), "kind") || h5::readTextAttribute(file.get(), "kind") != "checkpoint") {
    throw RuntimeError("not a convoy checkpoint (no kind = checkpoint attribute)");
  }
  FoundCheckpoint found;
  found.path = path;
  found.configYaml = h5::readTextAttribute(file.get(), "config");
  found.digest = h5::readUnsignedAttribute(file.get(), "digest");
  cells = h5::readUnsignedAttribute(file.get(), "cells");
  CheckpointState& state = found.state;
  state.step = h5::readUnsignedAttribute(file.get(), "step");
  state.timeseriesEvery = h5::readUnsignedAttribute(file.get(), "timeseries_every");
  const std::uint64_t detectors = h5::readUnsignedAttribute(file.get(), "detectors");
  state.openRow.steps = h5::readUnsignedAttribute(file.get(), "open_row_steps");
  state.openRow.distance = h5::readSignedAttribute(file.get(), "open_row_distance");
  state.openRow.detectorCounts = readWhole<std::int64_t>(file.get(), "open_row_detector_counts", H5T_NATIVE_INT64, path);
  const auto steps = readWhole<std::int64_t>(file.get(), "timeseries/step", H5T_NATIVE_INT64, path);
  const auto distances = readWhole<std::int64_t>(file.get(), "timeseries/distance", H5T_NATIVE_INT64, path);
  const auto counts = readWhole<std::int64_t>(file.get(), "timeseries/detector_counts", H5T_NATIVE_INT64, path);
  const std::uint64_t rows = h5::readUnsignedAttribute(file.get(), "timeseries_rows");
  if (steps.size() != rows || distances.size() != rows || counts.size() != rows * detectors ||
      state.openRow.detectorCounts.size() != detectors) {
    throw RuntimeError("its time series does not have the " + std::to_string(rows) + " rows it claims");
  }
  for (std::uint64_t row = 0; row < rows; ++row) {
    FlowRow flow;
    flow.step = static_cast<std::uint64_t>(steps[row]);
    flow.steps = state.timeseriesEvery;
    flow.distance = distances[row];
    flow.detectorCounts.assign(counts.begin() + static_cast<std::ptrdiff_t>(row * detectors),
                               counts.begin() + static_cast<std::ptrdiff_t>((row + 1) * detectors));
    state.rows.push_back(std::move(flow));
  }
  if (rowsDigest(state.rows) != h5::readUnsignedAttribute(file.get(), "timeseries_digest")) {
    throw RuntimeError("its time series does not match its check sum (timeseries_digest)");
  }
  return found;
}

// The small parts every rank needs, as text for a broadcast.
std::string serialise(const FoundCheckpoint& found, std::uint64_t cells) {
  std::ostringstream text;
  text << cells << ' ' << found.digest << ' ' << found.state.step << ' ' << found.state.timeseriesEvery << ' '
       << found.state.openRow.steps << ' ' << found.state.openRow.distance << ' '
       << found.state.openRow.detectorCounts.size();
  for (const std::int64_t count : found.state.openRow.detectorCounts) text << ' ' << count;
  text << '\n' << found.configYaml;
  return text.str();
}

void deserialise(const std::string& text, FoundCheckpoint& found, std::uint64_t& cells) {
  std::istringstream in(text);
  std::size_t detectors = 0;
  in >> cells >> found.digest >> found.state.step >> found.state.timeseriesEvery >> found.state.openRow.steps >>
      found.state.openRow.distance >> detectors;
  found.state.openRow.detectorCounts.resize(detectors);
  for (auto& count : found.state.openRow.detectorCounts) in >> count;
  in.ignore(1);
  found.configYaml.assign(std::istreambuf_iterator<char>(in), {});
}

// Collective: the digest of /road as read back.
std::uint64_t recomputeDigest(const Comm& comm, const std::string& path, std::uint64_t cells) {
  const Decomposition decomposition(cells, comm.size());
  const CellRange range = decomposition.range(comm.rank());
  std::vector<std::uint64_t> words(packed::wordsFor(range.cells()));
  const h5::OpenFile file = h5::openCollective(path, comm, h5::Settings{}, h5::Access::ReadOnly);
  const h5::Dataset road = h5::openDataset(file.get(), "road", path);
  h5::readDistributed(road, H5T_NATIVE_UINT64, {range.begin / packed::kCellsPerWord, words.size()}, words.data());
  std::array<std::uint64_t, 1> sum{digest::partialSum(words, range) +
                                   planesDigestPartialSum(comm, file.get(), path, range)};
  const bool paddingSet = !words.empty() && range.end == cells && (words.back() & ~packed::lastWordMask(cells)) != 0;
  if (paddingSet) sum[0] ^= 1;  // a damaged last word must not pass
  comm.sumInPlace(sum);
  return digest::finish(sum[0], cells);
}

void pruneOlder(const std::string& directory, std::uint64_t keep) {
  const std::vector<std::string> checkpoints = listCheckpoints(directory);
  for (std::size_t i = keep; i < checkpoints.size(); ++i) {
    std::error_code error;
    fs::remove(checkpoints[i], error);
    if (error) spdlog::warn("cannot delete the old checkpoint {}: {}", checkpoints[i], error.message());
  }
}

}  // namespace

std::string checkpointFileName(std::uint64_t step) { return fmt::format("{}{:012}{}", kPrefix, step, kSuffix); }

std::vector<std::string> listCheckpoints(const std::string& directory) {
  std::vector<std::pair<std::uint64_t, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::path(directory) / "checkpoints", error)) {
    const std::string name = entry.path().filename().string();
    const std::size_t digits = name.size() - std::string(kPrefix).size() - std::string(kSuffix).size();
    if (name.rfind(kPrefix, 0) != 0 || !name.ends_with(kSuffix) || digits != 12) continue;
    const std::string step = name.substr(std::string(kPrefix).size(), digits);
    if (step.find_first_not_of("0123456789") != std::string::npos) continue;
    found.emplace_back(std::stoull(step), entry.path().string());
  }
  std::sort(found.rbegin(), found.rend());
  std::vector<std::string> paths;
  for (auto& [step, path] : found) paths.push_back(std::move(path));
  return paths;
}

CheckpointWrite writeCheckpoint(const Comm& comm, const std::string& directory, const Road& road,
                                const RunIdentity& identity, std::uint64_t physicsHash, const CheckpointState& state,
                                std::uint64_t keep, const h5::Settings& settings) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path folder = fs::path(directory) / "checkpoints";
  CheckpointWrite written;
  written.path = (folder / checkpointFileName(state.step)).string();
  written.digest = road.globalDigest();
  const std::string temporary = written.path + ".tmp";
  comm.onRootThenShareErrors([&] {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw RuntimeError("cannot create " + folder.string() + ": " + error.message());
  });
  try {
    writeFile(comm, temporary, road, identity, physicsHash, state, written.digest, settings);
  } catch (const RuntimeError& error) {
    throw RuntimeError("cannot write the checkpoint " + temporary + " (the previous checkpoint is intact): " +
                           error.what(),
                       error.scope());
  }
  const CheckpointCheck check = checkCheckpoint(comm, temporary);
  if (!check.checkpoint) {
    throw RuntimeError("the checkpoint " + temporary + " did not verify after writing: " + check.problem,
                       ErrorScope::AllRanks);
  }
  comm.onRootThenShareErrors([&] {
    std::error_code error;
    fs::rename(temporary, written.path, error);
    if (error) throw RuntimeError("cannot rename " + temporary + " to " + written.path + ": " + error.message());
    pruneOlder(directory, keep);
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  written.seconds = std::stod(comm.broadcastFromRoot(fmt::format("{:.17g}", seconds)));
  return written;
}

CheckpointCheck checkCheckpoint(const Comm& comm, const std::string& path) {
  CheckpointCheck result;
  FoundCheckpoint found;
  std::uint64_t cells = 0;
  std::string problem;
  if (comm.isRoot()) {
    try {
      found = readSmallParts(path, cells);
    } catch (const RuntimeError& error) {
      problem = error.what();
    }
  }
  problem = comm.broadcastFromRoot(problem);
  if (!problem.empty()) return {std::nullopt, problem};
  std::vector<FlowRow> rows = std::move(found.state.rows);
  deserialise(comm.broadcastFromRoot(comm.isRoot() ? serialise(found, cells) : ""), found, cells);
  found.path = path;
  found.state.rows = std::move(rows);  // rank 0 only
  const std::uint64_t digest = recomputeDigest(comm, path, cells);
  if (digest != found.digest) {
    return {std::nullopt, fmt::format("its road does not match its digest (stored {:016x}, recomputed {:016x})",
                                      found.digest, digest)};
  }
  result.checkpoint = std::move(found);
  return result;
}

}  // namespace convoy::io
