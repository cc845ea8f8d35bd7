// Writing and reading the road of state files (snapshots and checkpoints) collectively, so that a
// failure on any rank, at any stage, fails every rank together, within seconds, with one message:
//
//  1. rank 0 alone creates the file with HDF5 (sec2 driver): every attribute and dataset, the
//     datasets' storage allocated at once and contiguous; it reserves the file's disk blocks
//     (fallocate) before closing it, so a full disk or quota shows here, on one rank, and is shared;
//     it tells every rank where each dataset's data starts;
//  2. every rank opens the file through MPI-IO and writes its words of /road and of the velocity
//     planes there, in pieces of at most kPieceWords, each a collective write (MPI_File_write_at_all)
//     followed by an agreement on its outcome (Comm::agree); see h5/collective_file.hpp for why not
//     through HDF5's own collective writes;
//  3. every rank closes it; again an agreement.
// Reading runs the same way, piece by piece into a bounded buffer (or into a road being loaded),
// adding up what the road is checked against (StateSums). Each stage runs under the I/O watchdog.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/state_sums.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy::io {

// Words per rank per collective transfer: 32 MiB, so no buffer for I/O grows with the road.
inline constexpr std::uint64_t kPieceWords = std::uint64_t{1} << 22;

// Everything of a state file but its road: root attributes and small datasets written whole, the
// same on every rank.
using AttributeValue = std::variant<std::uint64_t, std::int64_t, double, std::string>;
struct StateContents {
  std::vector<std::pair<std::string, AttributeValue>> attributes;
  std::vector<std::pair<std::string, std::vector<float>>> realDatasets;
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> integerDatasets;
  void attribute(const std::string& name, AttributeValue value) { attributes.emplace_back(name, std::move(value)); }
};

struct StateFileWrite {
  std::uint64_t bytes = 0;      // the file's size
  double seconds = 0.0;         // on this rank's clock
  std::uint64_t transfers = 0;  // collective MPI-IO writes this rank took part in (alike on every rank)
};

// Where a state file must be when writing it returns: in the page cache (a snapshot: a crash of the
// node may lose it), or on the disk (a checkpoint, which the run goes on from and which replaces
// older ones: its data is synced before it is verified, and its directory after it is renamed).
using h5::Durability;

// Collective. Writes `road` (its occupancy and velocity planes, as /road and /velocity/bit_<b>) and
// `contents` to `path`. On any failure every rank throws the same RuntimeError, naming the file, the
// stage and the system's reason, and `path` is removed.
StateFileWrite writeStateFile(const Comm& comm, const std::string& path, const Road& road, std::uint64_t cells,
                              const StateContents& contents, const h5::Settings& settings, Durability durability);

// Collective. Renames the written `from` to `to` (rank 0); with Durability::Disk the directory is
// synced too, so that the new name survives a crash. On failure `from` is removed and every rank
// throws.
void renameIntoPlace(const Comm& comm, const std::string& from, const std::string& to, Durability durability);

// Collective. Reads /road and `planes` velocity planes of the state file `path`, each rank the
// words of its range in `decomposition`: layer k (0 = /road, then the planes) into `into[k]` when it
// is given and not empty (loading a road), else through a bounded buffer. Returns the sums over the
// whole road, the same on every rank (planes from `into.size()` on count as too fast). A missing or
// misshapen dataset or a failed read: RuntimeError on every rank.
StateSums readStateRoad(const Comm& comm, const std::string& path, const Decomposition& decomposition, unsigned planes,
                        std::span<const std::span<std::uint64_t>> into = {});
// The layers of `road` to load into: its occupancy, then its velocity planes.
std::vector<std::span<std::uint64_t>> layersOf(Road& road);

// Rank 0 removes `path` if it is there (after a failure); never throws.
void removeQuietly(const Comm& comm, const std::string& path);

}  // namespace convoy::io
