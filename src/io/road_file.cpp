#include "convoy/io/road_file.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "convoy/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/packed_road.hpp"

namespace convoy::io {
namespace {

// Byte-per-cell roads are read in pieces of this many cells per rank, so no rank needs a byte per
// cell of its whole part at once.
constexpr std::uint64_t kCellsPerPiece = std::uint64_t{1} << 26;

std::string datasetName(const RoadFileRequest& request) { return request.dataset.empty() ? "road" : request.dataset; }

std::string describeType(hid_t type) {
  const H5T_class_t kind = H5Tget_class(type);
  const std::size_t bytes = H5Tget_size(type);
  std::string name = kind == H5T_INTEGER ? (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int")
                     : kind == H5T_FLOAT ? "float"
                     : kind == H5T_STRING ? "string"
                                          : "a non-numeric type";
  if (kind == H5T_INTEGER || kind == H5T_FLOAT) name += std::to_string(8 * bytes);
  return name;
}

RoadFileInfo inspectOnRoot(const RoadFileRequest& request) {
  const std::string where = "init.from: " + request.path;
  const std::string dataset = datasetName(request);
  std::error_code error;
  if (!std::filesystem::is_regular_file(request.path, error)) throw InputError(where + ": no such file");
  if (!h5::isHdf5File(request.path)) throw InputError(where + ": not an HDF5 file");
  try {
    const h5::OpenFile file = h5::openSerial(request.path, h5::Access::ReadOnly);
    if (!h5::hasDataset(file.get(), dataset)) {
      throw InputError(where + ": there is no dataset \"" + dataset + "\"" +
                       (request.dataset.empty() ? "; name the dataset to read with init.dataset" : ""));
    }
    const h5::Dataset road = h5::openDataset(file.get(), dataset, request.path);
    const std::vector<std::uint64_t> shape = h5::extent(road);
    const h5::Datatype type = h5::storedType(road);
    const std::string at = where + ": dataset \"" + dataset + "\"";
    if (shape.size() != 1) throw InputError(at + " has " + std::to_string(shape.size()) + " dimensions; expected 1");
    // A convoy state file: /road is bit-packed in both encodings (nasch-bitplanes-v1 adds velocities).
    const std::string encoding = h5::hasAttribute(file.get(), "encoding") ? h5::readTextAttribute(file.get(), "encoding") : "";
    const bool packed = dataset == "road" && (encoding.rfind("bits-v1", 0) == 0 || encoding.rfind("nasch-bitplanes-v1", 0) == 0);
    if (packed) {
      const std::uint64_t cells = h5::readUnsignedAttribute(file.get(), "cells");
      if (cells == 0 || shape[0] != packed::wordsFor(cells) || H5Tget_class(type.get()) != H5T_INTEGER ||
          H5Tget_size(type.get()) != 8) {
        throw InputError(at + " does not hold " + std::to_string(packed::wordsFor(cells)) +
                         " 64-bit words for the file's " + std::to_string(cells) + " cells: the file is damaged");
      }
      return {dataset, RoadEncoding::PackedBits, cells};
    }
    if (H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 1) {
      throw InputError(at + " holds " + describeType(type.get()) +
                       "; expected uint8, one value 0 or 1 per cell (or a convoy snapshot)");
    }
    if (shape[0] == 0) throw InputError(at + " is empty; a road needs at least one cell");
    return {dataset, RoadEncoding::BytePerCell, shape[0]};
  } catch (const h5::Error& failure) {
    throw InputError(where + ": " + failure.what());
  }
}

std::uint64_t readPacked(const h5::Dataset& road, CellRange range, std::uint64_t cells,
                         std::span<std::uint64_t> words) {
  h5::readDistributed(road, H5T_NATIVE_UINT64, {range.begin / packed::kCellsPerWord, words.size()}, words.data());
  // Bits past the road's last cell must be zero, or car counts would be wrong.
  const bool holdsLastCell = !range.empty() && range.end == cells;
  return holdsLastCell && (words.back() & ~packed::lastWordMask(cells)) != 0 ? 1 : 0;
}

std::uint64_t readBytes(const Comm& comm, const h5::Dataset& road, CellRange range, std::span<std::uint64_t> words) {
  // Every rank makes the same number of collective reads, also ranks that run out of cells first.
  const std::uint64_t pieces = (comm.max(range.cells()) + kCellsPerPiece - 1) / kCellsPerPiece;
  // Read as 16-bit integers, so that neither uint8 nor int8 values are clamped on the way (an int8
  // -1 must be refused, not read as 0).
  std::vector<std::int16_t> bytes;
  std::uint64_t badCells = 0;
  std::fill(words.begin(), words.end(), 0);
  for (std::uint64_t piece = 0; piece < pieces; ++piece) {
    const std::uint64_t first = std::min(piece * kCellsPerPiece, range.cells());
    const std::uint64_t count = std::min(kCellsPerPiece, range.cells() - first);
    bytes.resize(count);
    h5::readDistributed(road, H5T_NATIVE_INT16, {range.begin + first, count}, bytes.data());
    for (std::uint64_t i = 0; i < count; ++i) {
      if (bytes[i] != 0 && bytes[i] != 1) ++badCells;
      packed::setCell(words, first + i, bytes[i] == 1);
    }
  }
  return badCells;
}

}  // namespace

RoadFileInfo describeRoadFile(const Comm& comm, const RoadFileRequest& request) {
  RoadFileInfo info;
  comm.onRootThenShareErrors([&] { info = inspectOnRoot(request); });
  std::istringstream shared(comm.broadcastFromRoot(
      info.dataset + "\n" + std::to_string(static_cast<int>(info.encoding)) + " " + std::to_string(info.cells)));
  int encoding = 0;
  std::getline(shared, info.dataset);
  shared >> encoding >> info.cells;
  info.encoding = static_cast<RoadEncoding>(encoding);
  return info;
}

void readRoadFile(const Comm& comm, const RoadFileRequest& request, CellRange range, std::span<std::uint64_t> words) {
  const RoadFileInfo info = describeRoadFile(comm, request);
  const h5::OpenFile file = h5::openCollective(request.path, comm, h5::Settings{}, h5::Access::ReadOnly);
  const h5::Dataset road = h5::openDataset(file.get(), info.dataset, request.path);
  const std::uint64_t bad = info.encoding == RoadEncoding::PackedBits ? readPacked(road, range, info.cells, words)
                                                                      : readBytes(comm, road, range, words);
  const std::int64_t badEverywhere = comm.sum(static_cast<std::int64_t>(bad));
  if (badEverywhere > 0) {
    const std::string at = "init.from: " + request.path + ": dataset \"" + info.dataset + "\"";
    throw InputError(info.encoding == RoadEncoding::PackedBits
                         ? at + " has bits set past the road's last cell: the file is damaged"
                         : at + " holds values other than 0 and 1 in " + std::to_string(badEverywhere) + " cells");
  }
}

}  // namespace convoy::io
