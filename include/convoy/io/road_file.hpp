// Reading a saved road (init.from): a convoy snapshot or checkpoint (bit-packed /road, with the
// velocity planes of a NaSch road), checked against everything it claims (kind, encoding, length,
// planes, car count, digest) before a run starts from it; or the simplest thing another program can
// write, a one-dimensional dataset of 0/1 per cell (uint8, int8, or h5py's bool), checked for its
// type, shape, storage and values. A file another program holds open for writing (its HDF5 lock is
// held) is refused: it may be incomplete.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy::io {

struct RoadFileRequest {
  std::string path;
  std::string dataset;                // empty: "road"
  std::string context = "init.from";  // what messages begin with
};

enum class RoadEncoding : int { PackedBits, BytePerCell, Boolean };

struct RoadFileInfo {
  std::string dataset;
  RoadEncoding encoding = RoadEncoding::BytePerCell;
  std::uint64_t cells = 0;
  // A convoy state file's claims (PackedBits only).
  unsigned planes = 0;
  std::uint64_t cars = 0;
  std::uint64_t digest = 0;
};

// Rank 0 looks at the file and every rank receives what it found. Anything wrong with it is an
// InputError naming the file, the dataset or attribute, and what was expected, on all ranks.
RoadFileInfo describeRoadFile(const Comm& comm, const RoadFileRequest& request);

// Collective: reads the road into `road` (occupancy, and velocities if both the file and the road
// have them; else velocities 0) and checks it: for a convoy file its car count and digest, bits
// past the last cell, velocities without a car or above `vmax`; for a foreign one, values other
// than 0 and 1. InputError on all ranks for anything wrong.
void loadRoadFile(const Comm& comm, const RoadFileRequest& request, Road& road, unsigned vmax);

}  // namespace convoy::io
