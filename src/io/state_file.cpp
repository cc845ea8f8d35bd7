#include "convoy/io/state_file.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <optional>

#include "convoy/core/packed_road.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/collective_file.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"
#include "convoy/parallel/watchdog.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

// The datasets of the road: /road, then /velocity/bit_<b>.
std::vector<std::string> roadDatasets(unsigned planes) {
  std::vector<std::string> names{format::kRoadDataset};
  for (unsigned b = 0; b < planes; ++b) names.push_back(format::planeDataset(b));
  return names;
}

std::span<const std::uint64_t> layer(const Road& road, std::size_t index) {
  return index == 0 ? road.words() : road.velocityPlane(static_cast<unsigned>(index - 1));
}

// The pieces every rank makes the same number of transfers in: those of the rank with the most words.
std::uint64_t piecesFor(const Decomposition& decomposition) {
  const std::uint64_t most = packed::wordsFor(decomposition.range(0).cells());  // rank 0 owns the most
  return std::max<std::uint64_t>(1, (most + kPieceWords - 1) / kPieceWords);
}

// Piece `piece` of a rank's words: its offset into them and its length (0 past the end).
h5::Slab pieceOf(std::uint64_t words, std::uint64_t piece) {
  const std::uint64_t first = std::min(words, piece * kPieceWords);
  return {first, std::min(kPieceWords, words - first)};
}

// Where the data of each dataset of `names` starts (rank 0, on a file it opened alone).
std::vector<std::uint64_t> dataOffsets(const h5::OpenFile& file, const std::vector<std::string>& names,
                                       std::uint64_t words) {
  std::vector<std::uint64_t> offsets;
  for (const std::string& name : names) {
    const h5::ContiguousData data =
        h5::contiguousData(h5::openDataset(file, name, file.path), "/" + name + " of " + file.path);
    if (data.words != words) {
      throw RuntimeError("/" + name + " of " + file.path + " does not hold the " + std::to_string(words) +
                         " words of a road of this length");
    }
    offsets.push_back(data.offset);
  }
  return offsets;
}

std::vector<std::uint64_t> createStructure(const std::string& path, const Road& road, std::uint64_t cells,
                                           const StateContents& contents, const h5::Settings& settings) {
  h5::OpenFile file = h5::createSerial(path, settings);
  for (const auto& [name, value] : contents.attributes) {
    std::visit([&, &name = name](const auto& v) { h5::writeAttribute(file, name, v); }, value);
  }
  if (road.velocityPlanes() > 0) h5::createGroup(file, format::kVelocityGroup);
  const std::vector<std::string> names = roadDatasets(road.velocityPlanes());
  for (const std::string& name : names) h5::createFixed<std::uint64_t>(file, name, packed::wordsFor(cells));
  for (const auto& [name, values] : contents.realDatasets) h5::writeWhole<float>(file, name, values);
  for (const auto& [name, values] : contents.integerDatasets) h5::writeWhole<std::int64_t>(file, name, values);
  try {
    // The space first, so that neither the close nor the data can find the disk full: all of it,
    // then again after the metadata is flushed (which may allocate a little more).
    h5::reserveFileSpace(file);
    h5::flush(file);
    h5::reserveFileSpace(file);
  } catch (const h5::Error&) {
    // Given up: without its datasets the file is small enough to close on a full disk.
    for (const std::string& name : names) h5::removeLink(file, name);
    if (road.velocityPlanes() > 0) h5::removeLink(file, format::kVelocityGroup);
    file.close();
    throw;
  }
  std::vector<std::uint64_t> offsets = dataOffsets(file, names, packed::wordsFor(cells));
  file.close();
  return offsets;
}

std::string describeFailure(const std::string& path, const std::string& stage, const std::string& reason) {
  return "cannot " + stage + " " + path + ": " + reason;
}

}  // namespace

void removeQuietly(const Comm& comm, const std::string& path) {
  if (!comm.isRoot()) return;
  std::error_code error;
  fs::remove(path, error);
}

StateFileWrite writeStateFile(const Comm& comm, const std::string& path, const Road& road, std::uint64_t cells,
                              const StateContents& contents, const h5::Settings& settings, Durability durability) {
  const auto start = std::chrono::steady_clock::now();
  WatchedIo watched("writing " + path, {path});
  StateFileWrite written;
  try {
    std::vector<std::uint64_t> offsets;
    comm.onRootThenShareErrors([&] { offsets = createStructure(path, road, cells, contents, settings); });
    offsets = comm.broadcast(std::move(offsets));
    watched.progress();
    std::optional<h5::CollectiveFile> file;
    comm.agree([&] { file.emplace(comm, path, h5::Access::ReadWrite, settings); });
    const std::uint64_t pieces = piecesFor(Decomposition(cells, comm.size()));
    const std::uint64_t firstWord = road.range().begin / packed::kCellsPerWord;
    for (std::size_t index = 0; index < offsets.size(); ++index) {
      const std::span<const std::uint64_t> words = layer(road, index);
      for (std::uint64_t piece = 0; piece < pieces; ++piece) {
        const h5::Slab part = pieceOf(words.size(), piece);
        comm.agree([&] {
          file->writeAt(offsets[index] + (firstWord + part.offset) * sizeof(std::uint64_t),
                        words.subspan(part.offset, part.count));
        });
        ++written.transfers;
        watched.progress();
      }
    }
    // One fsync covers the metadata rank 0 wrote before, too: it is per file, not per descriptor.
    if (durability == Durability::Disk) comm.agree([&] { file->sync(); });
    watched.progress();
    comm.agree([&] { file->close(); });
  } catch (const RuntimeError& error) {
    removeQuietly(comm, path);
    throw RuntimeError(describeFailure(path, "write", error.what()), ErrorScope::AllRanks);
  }
  std::error_code sizeError;
  written.bytes = comm.isRoot() ? fs::file_size(path, sizeError) : 0;
  written.bytes = comm.broadcast(written.bytes);
  written.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return written;
}

void renameIntoPlace(const Comm& comm, const std::string& from, const std::string& to, Durability durability) {
  try {
    comm.onRootThenShareErrors([&] {
      std::error_code error;
      fs::rename(from, to, error);
      if (error) throw RuntimeError("cannot rename " + from + " to " + to + ": " + error.message());
      if (durability == Durability::Disk) h5::syncDirectory(fs::path(to).parent_path().string());
    });
  } catch (const RuntimeError&) {
    removeQuietly(comm, from);
    throw;
  }
}

std::vector<std::span<std::uint64_t>> layersOf(Road& road) {
  std::vector<std::span<std::uint64_t>> layers{road.words()};
  for (unsigned b = 0; b < road.velocityPlanes(); ++b) layers.push_back(road.velocityPlane(b));
  return layers;
}

StateSums readStateRoad(const Comm& comm, const std::string& path, const Decomposition& decomposition, unsigned planes,
                        std::span<const std::span<std::uint64_t>> into) {
  WatchedIo watched("reading " + path);
  const CellRange range = decomposition.range(comm.rank());
  const std::uint64_t words = packed::wordsFor(range.cells());
  const std::uint64_t firstWord = range.begin / packed::kCellsPerWord;
  const std::uint64_t pieces = piecesFor(decomposition);
  const std::vector<std::string> names = roadDatasets(planes);
  std::vector<std::uint64_t> offsets;
  comm.onRootThenShareErrors([&] {
    const h5::OpenFile file = h5::openSerial(path, h5::Access::ReadOnly);
    offsets = dataOffsets(file, names, packed::wordsFor(decomposition.cells()));
  });
  offsets = comm.broadcast(std::move(offsets));
  std::optional<h5::CollectiveFile> file;
  comm.agree([&] { file.emplace(comm, path, h5::Access::ReadOnly, h5::Settings{}); });
  // A layer with nowhere to go is read one piece at a time into a buffer of its own.
  const auto loaded = [&](std::size_t index) { return index < into.size() && !into[index].empty(); };
  std::vector<std::vector<std::uint64_t>> buffers(names.size());
  for (std::size_t index = 0; index < names.size(); ++index) {
    if (!loaded(index)) buffers[index].resize(std::min(words, kPieceWords));
  }
  StateSums sums;
  for (std::uint64_t piece = 0; piece < pieces; ++piece) {
    const h5::Slab part = pieceOf(words, piece);
    std::vector<std::span<const std::uint64_t>> read;
    for (std::size_t index = 0; index < names.size(); ++index) {
      const std::span<std::uint64_t> target = loaded(index)
                                                  ? into[index].subspan(part.offset, part.count)
                                                  : std::span<std::uint64_t>(buffers[index]).first(part.count);
      comm.agree([&] { file->readAt(offsets[index] + (firstWord + part.offset) * sizeof(std::uint64_t), target); });
      read.push_back(target);
      watched.progress();
    }
    const std::size_t kept = into.empty() ? names.size() : std::max<std::size_t>(into.size(), 1) - 1;
    sums.add(decomposition.cells(), firstWord + part.offset, read.front(),
             std::span<const std::span<const std::uint64_t>>(read).subspan(1), kept);
  }
  comm.agree([&] { file->close(); });
  std::array<std::uint64_t, 5> totals{sums.digestSum, sums.cars, sums.paddingWords, sums.strayVelocities,
                                      sums.planesBeyond};
  comm.sumInPlace(totals);
  return {totals[0], totals[1], totals[2], totals[3], totals[4]};
}

}  // namespace convoy::io
