#include "convoy/io/road_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/state_file.hpp"
#include "convoy/io/velocity_planes.hpp"

namespace convoy::io {
namespace {

// Byte-per-cell roads are read in pieces of this many cells per rank, so no rank needs a byte per
// cell of its whole part at once.
constexpr std::uint64_t kCellsPerPiece = std::uint64_t{1} << 26;

std::string datasetName(const RoadFileRequest& request) {
  return request.dataset.empty() ? format::kRoadDataset : request.dataset;
}

// What convoy cannot read of a dataset's storage, with what the user can do; "" if it can.
std::string unreadableStorage(const h5::Storage& storage) {
  if (storage.layout == h5::Storage::Layout::Virtual) {
    return "is a virtual dataset (it maps other datasets); convoy reads only data stored in the file itself: "
           "copy it into a plain dataset, e.g. h5repack -l CONTI in.h5 out.h5";
  }
  if (storage.externalFiles > 0) {
    return "keeps its data in " + std::to_string(storage.externalFiles) +
           " external file(s); convoy reads only data stored in the file itself: copy it into a plain dataset, "
           "e.g. h5repack -l CONTI in.h5 out.h5";
  }
  if (!storage.filters.empty()) {
    std::string names;
    for (const std::string& name : storage.filters) names += (names.empty() ? "" : ", ") + name;
    return "is compressed or filtered (" + names +
           "); convoy reads only unfiltered data in parallel: rewrite it without compression, e.g. "
           "h5repack -f NONE in.h5 out.h5";
  }
  return "";
}

// A convoy state file's claims, each checked against the others.
void describeConvoyRoad(const h5::OpenFile& file, const h5::Dataset& road, const std::string& at,
                        const std::string& where, RoadFileInfo& info) {
  const std::string kind = h5::readAttribute<std::string>(file, format::kKindAttribute);
  if (kind != format::kSnapshot && kind != format::kCheckpoint) {
    throw InputError(where + ": a convoy " + kind + " file, which holds no road; give a snapshot or checkpoint");
  }
  const std::string encoding = format::encodingName(h5::readAttribute<std::string>(file, format::kEncodingAttribute));
  const bool nasch = encoding == format::kPlanesEncodingName;
  if (!nasch && encoding != format::kBitsEncodingName) {
    throw InputError(where + ": attribute encoding is '" + encoding.substr(0, 40) + "', expected " +
                     format::kBitsEncodingName + " or " + format::kPlanesEncodingName + ": the file is damaged");
  }
  info.cells = h5::readAttribute<std::uint64_t>(file, format::kCellsAttribute);
  if (info.cells == 0 || info.cells > format::kMostCells) {
    throw InputError(where + ": attribute cells = " + std::to_string(info.cells) + ", expected 1 to 2^62");
  }
  const h5::TypeInfo type = h5::typeOf(road);
  if (h5::extent(road) != std::vector<std::uint64_t>{packed::wordsFor(info.cells)} ||
      type.kind != h5::TypeClass::Integer || type.bytes != 8) {
    throw InputError(at + " does not hold " + std::to_string(packed::wordsFor(info.cells)) +
                     " 64-bit words for the file's " + std::to_string(info.cells) + " cells: the file is damaged");
  }
  info.cars = h5::readAttribute<std::uint64_t>(file, format::kCarsAttribute);
  info.digest = h5::readAttribute<std::uint64_t>(file, format::kDigestAttribute);
  const std::uint64_t planes = h5::hasAttribute(file, format::kPlanesAttribute)
                                   ? h5::readAttribute<std::uint64_t>(file, format::kPlanesAttribute)
                                   : 0;
  if (nasch ? (planes == 0 || planes > format::kMostPlanes) : planes != 0) {
    throw InputError(where + ": attribute velocity_planes = " + std::to_string(planes) + ", but a " + encoding +
                     " road has " + (nasch ? "1 to 8" : "none") + ": the file is damaged");
  }
  for (std::uint64_t b = 0; b < planes; ++b) {
    const std::string name = format::planeDataset(b);
    if (!h5::hasDataset(file, name)) {
      throw InputError(where + ": velocity_planes = " + std::to_string(planes) + " but there is no /" + name +
                       ": the file is damaged");
    }
    const h5::Dataset plane = h5::openDataset(file, name, file.path);
    const h5::TypeInfo planeType = h5::typeOf(plane);
    if (h5::extent(plane) != h5::extent(road) || planeType.kind != h5::TypeClass::Integer || planeType.bytes != 8) {
      throw InputError(where + ": /" + name + " is not " + std::to_string(packed::wordsFor(info.cells)) +
                       " 64-bit words like /road: the file is damaged");
    }
  }
  info.planes = static_cast<unsigned>(planes);
  info.encoding = RoadEncoding::PackedBits;
}

RoadFileInfo inspectOnRoot(const RoadFileRequest& request) {
  const std::string where = request.context + ": " + request.path;
  const std::string dataset = datasetName(request);
  std::error_code error;
  if (!std::filesystem::is_regular_file(request.path, error)) throw InputError(where + ": no such file");
  if (!h5::isHdf5File(request.path)) throw InputError(where + ": not an HDF5 file");
  h5::OpenFile file;
  try {
    file = h5::openSerial(request.path, h5::Access::ReadOnly);
  } catch (const h5::Error& failure) {
    const std::string reason = failure.what();
    if (reason.find("lock") != std::string::npos || reason.find("already open") != std::string::npos) {
      throw InputError(where +
                       ": another program has it open for writing (its HDF5 file lock is held), so it "
                       "may be incomplete; start the run once that program has closed it");
    }
    throw InputError(where + ": " + reason);
  }
  try {
    if (!h5::hasDataset(file, dataset)) {
      throw InputError(where + ": there is no dataset \"" + dataset + "\"" +
                       (request.dataset.empty() ? "; name the dataset to read with init.dataset" : ""));
    }
    const h5::Dataset road = h5::openDataset(file, dataset, request.path);
    const std::string at = where + ": dataset \"" + dataset + "\"";
    if (const std::string problem = unreadableStorage(h5::storageOf(road)); !problem.empty()) {
      throw InputError(at + " " + problem);
    }
    const std::vector<std::uint64_t> shape = h5::extent(road);
    if (shape.size() != 1) throw InputError(at + " has " + std::to_string(shape.size()) + " dimensions; expected 1");
    RoadFileInfo info;
    info.dataset = dataset;
    const bool convoyState = dataset == format::kRoadDataset && h5::hasAttribute(file, format::kKindAttribute);
    if (convoyState) {
      describeConvoyRoad(file, road, at, where, info);
      return info;
    }
    const h5::TypeInfo type = h5::typeOf(road);
    if (type.kind == h5::TypeClass::Boolean) {
      info.encoding = RoadEncoding::Boolean;
    } else if (type.kind == h5::TypeClass::Integer && type.bytes == 1) {
      info.encoding = RoadEncoding::BytePerCell;
    } else {
      const std::string boolHint = type.kind == h5::TypeClass::Enumeration
                                       ? " (a bool is an enumeration of exactly FALSE = 0 and TRUE = 1, as h5py "
                                         "writes numpy's bool)"
                                       : "";
      throw InputError(at + " holds " + type.describe() + "; expected uint8 or bool, one value 0 or 1 per cell" +
                       boolHint + " (or a convoy snapshot)");
    }
    if (shape[0] == 0) throw InputError(at + " is empty; a road needs at least one cell");
    if (shape[0] > format::kMostCells) throw InputError(at + " has more than 2^62 cells");
    info.cells = shape[0];
    return info;
  } catch (const h5::Error& failure) {
    throw InputError(where + ": " + failure.what());
  }
}

// Collective: a convoy file's road into `road`, checked against what the file claims.
void loadPacked(const Comm& comm, const RoadFileInfo& info, const RoadFileRequest& request, Road& road, unsigned vmax) {
  const std::string at = request.context + ": " + request.path;
  std::vector<std::span<std::uint64_t>> layers = layersOf(road);
  for (std::size_t b = 1; b < layers.size(); ++b) std::ranges::fill(layers[b], 0);  // planes the file lacks
  layers.resize(std::min<std::size_t>(layers.size(), info.planes + 1));
  StateSums sums;
  try {
    sums = readStateRoad(comm, request.path, Decomposition(info.cells, comm.size()), info.planes, layers);
  } catch (const RuntimeError& error) {  // every rank alike
    throw InputError(at + ": " + error.what());
  }
  if (sums.paddingWords > 0)
    throw InputError(at + ": dataset \"road\" has bits set past the road's last cell: the file is damaged");
  if (sums.strayVelocities > 0) {
    throw InputError(at + ": /velocity holds velocities on cells without a car: the file is damaged");
  }
  if (sums.cars != info.cars) {
    throw InputError(at + ": its road holds " + std::to_string(sums.cars) + " cars but attribute cars says " +
                     std::to_string(info.cars) + ": the file is damaged");
  }
  const std::uint64_t digest = sums.digest(info.cells);
  if (digest != info.digest) {
    throw InputError(
        fmt::format("{}: its road does not match attribute digest (stored {:016x}, recomputed {:016x}): "
                    "the file is damaged; convoy inspect {} tells more",
                    at, info.digest, digest, request.path));
  }
  if (road.velocityPlanes() > 0 && (sums.planesBeyond > 0 || wordsAboveVmax(comm, road, vmax) > 0)) {
    throw InputError(at + ": /velocity holds velocities above model.vmax (" + std::to_string(vmax) +
                     "); use a larger model.vmax, or a road without velocities");
  }
}

// Collective: a byte-per-cell (or bool) dataset into `road`; values other than 0 and 1 are refused.
// Another program's file may be laid out in any way (chunks, say), so each rank opens it alone and
// reads its own cells: no collective call inside, so a failed read on one rank cannot hold the others.
void loadBytes(const Comm& comm, const RoadFileInfo& info, const RoadFileRequest& request, Road& road) {
  const CellRange range = road.range();
  std::span<std::uint64_t> words = road.words();
  std::uint64_t badCells = 0;
  comm.agree([&] {
    const h5::OpenFile file = h5::openSerial(request.path, h5::Access::ReadOnly);
    const h5::Dataset dataset = h5::openDataset(file, info.dataset, request.path);
    std::fill(words.begin(), words.end(), 0);
    std::vector<std::int16_t> values;
    std::vector<std::uint8_t> flags;
    for (std::uint64_t first = 0; first < range.cells(); first += kCellsPerPiece) {
      const std::uint64_t count = std::min(kCellsPerPiece, range.cells() - first);
      const h5::Slab slab{range.begin + first, count};
      if (info.encoding == RoadEncoding::Boolean) {
        flags.resize(count);
        h5::readBooleanSlab(dataset, slab, flags);
        values.assign(flags.begin(), flags.end());
      } else {
        // Read as 16-bit integers, so that neither uint8 nor int8 values are clamped on the way (an
        // int8 -1 must be refused, not read as 0).
        values.resize(count);
        h5::readSlab<std::int16_t>(dataset, slab, values);
      }
      for (std::uint64_t i = 0; i < count; ++i) {
        if (values[i] != 0 && values[i] != 1) ++badCells;
        packed::setCell(words, first + i, values[i] == 1);
      }
    }
  });
  const std::int64_t badEverywhere = comm.sum(static_cast<std::int64_t>(badCells));
  if (badEverywhere > 0) {
    throw InputError(request.context + ": " + request.path + ": dataset \"" + info.dataset +
                     "\" holds values other than 0 "
                     "and 1 in " +
                     std::to_string(badEverywhere) + " cells");
  }
  for (unsigned b = 0; b < road.velocityPlanes(); ++b) std::ranges::fill(road.velocityPlane(b), 0);
}

}  // namespace

RoadFileInfo describeRoadFile(const Comm& comm, const RoadFileRequest& request) {
  RoadFileInfo info;
  comm.onRootThenShareErrors([&] { info = inspectOnRoot(request); });
  info.dataset = comm.broadcast(info.dataset);
  struct Numbers {
    RoadEncoding encoding;
    std::uint64_t cells, cars, digest;
    unsigned planes;
  };
  const Numbers numbers = comm.broadcast(Numbers{info.encoding, info.cells, info.cars, info.digest, info.planes});
  info.encoding = numbers.encoding;
  info.cells = numbers.cells;
  info.cars = numbers.cars;
  info.digest = numbers.digest;
  info.planes = numbers.planes;
  return info;
}

void loadRoadFile(const Comm& comm, const RoadFileRequest& request, Road& road, unsigned vmax) {
  const RoadFileInfo info = describeRoadFile(comm, request);
  if (info.encoding == RoadEncoding::PackedBits) {
    loadPacked(comm, info, request, road, vmax);
  } else {
    try {
      loadBytes(comm, info, request, road);
    } catch (const RuntimeError& error) {
      throw InputError(request.context + ": " + request.path + ": " + error.what());
    }
  }
}

}  // namespace convoy::io
