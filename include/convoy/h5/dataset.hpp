// Datasets: distributed one-dimensional arrays written and read collectively as one hyperslab per
// rank, and the extendible (chunked) tables of the time series.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

// A rank's part of a global one-dimensional dataset.
struct Slab {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

bool hasDataset(hid_t location, const std::string& name);
Dataset openDataset(hid_t location, const std::string& name, const std::string& fileForMessages);
// The dataset's dimensions and its stored type.
std::vector<std::uint64_t> extent(const Dataset& dataset);
Datatype storedType(const Dataset& dataset);

// Collective: creates a contiguous dataset of `globalCount` elements (fill value never written; every
// element is written) and writes each rank's `slab` from `data`. Ranks with an empty slab take part
// with an empty selection. Returns HDF5's report of how the write really ran
// (H5Pget_mpio_actual_io_mode); an empty dataset is created without a write (H5D_MPIO_NO_COLLECTIVE).
H5D_mpio_actual_io_mode_t writeDistributed(hid_t location, const std::string& name, hid_t fileType, hid_t memoryType,
                                           std::uint64_t globalCount, Slab slab, const void* data);
// Collective: reads each rank's slab of a one-dimensional dataset into `data`.
void readDistributed(const Dataset& dataset, hid_t memoryType, Slab slab, void* data);

// Extendible (chunked) tables: a column [rows], or a matrix [rows, columns] (columns may be 0).
void createColumn(hid_t location, const std::string& name, hid_t fileType);
void createMatrix(hid_t location, const std::string& name, hid_t fileType, std::uint64_t columns);
// Appends rows (row-major, rows x columns values) after the current last row.
void appendRows(hid_t location, const std::string& name, hid_t memoryType, std::uint64_t rows, const void* data);
// Cuts or extends a table to `rows` rows.
void resizeTable(hid_t location, const std::string& name, std::uint64_t rows);
// Writes a whole small dataset from one process (no MPI).
void writeSmall(hid_t location, const std::string& name, hid_t fileType, hid_t memoryType, std::uint64_t count,
                const void* data);

Group createGroup(hid_t location, const std::string& name);

}  // namespace convoy::h5
