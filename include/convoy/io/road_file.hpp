// Reading a saved road (init.from): a convoy snapshot or checkpoint (bit-packed /road), or the
// simplest thing another program can write, a one-dimensional uint8 dataset of 0/1 per cell.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "convoy/comm.hpp"
#include "convoy/decomposition.hpp"

namespace convoy::io {

struct RoadFileRequest {
  std::string path;
  std::string dataset;  // empty: "road"
};

enum class RoadEncoding { PackedBits, BytePerCell };

struct RoadFileInfo {
  std::string dataset;
  RoadEncoding encoding = RoadEncoding::BytePerCell;
  std::uint64_t cells = 0;
};

// Rank 0 looks at the file and every rank receives what it found. A file that is not HDF5, a
// missing dataset, a wrong type or shape: InputError naming the file and the dataset, on all ranks.
RoadFileInfo describeRoadFile(const Comm& comm, const RoadFileRequest& request);

// Collective: each rank reads the cells of `range` into `words` (packed). Values other than 0 and 1
// in a byte-per-cell dataset, or set bits past the last cell of a packed one, are an InputError on
// all ranks.
void readRoadFile(const Comm& comm, const RoadFileRequest& request, CellRange range, std::span<std::uint64_t> words);

}  // namespace convoy::io
