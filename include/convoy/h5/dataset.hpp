// Datasets, read and written by one process: the fixed arrays of state files (created here, their
// data then written through h5/collective_file.hpp), slabs of a rank's cells of another program's
// road, small arrays whole, and the extendible (chunked) tables of the series files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convoy/h5/handle.hpp"
#include "convoy/h5/types.hpp"

namespace convoy::h5 {

// A rank's part of a one-dimensional dataset.
struct Slab {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

bool hasDataset(Node location, const std::string& name);
Dataset openDataset(Node location, const std::string& name, const std::string& fileForMessages);
Group createGroup(Node location, const std::string& name);
// The dataset's dimensions.
std::vector<std::uint64_t> extent(const Dataset& dataset);

// A contiguous dataset of `count` elements whose storage is allocated at once, so that the file has
// its final size and later writes only fill it (fill values never written; no time stamps, so that
// equal contents give equal files).
template <Element T>
void createFixed(Node location, const std::string& name, std::uint64_t count);
// A dataset holding `values`, created and written by one process.
template <Element T>
void writeWhole(Node location, const std::string& name, std::span<const T> values);
// Reads `slab` of a one-dimensional dataset into `out` (out.size() == slab.count), converting to T.
template <Element T>
void readSlab(const Dataset& dataset, Slab slab, std::span<T> out);
// The same for a dataset of booleans (h5py's numpy bool), read as 0 and 1.
void readBooleanSlab(const Dataset& dataset, Slab slab, std::span<std::uint8_t> out);
// A rectangular block of a dataset of any rank (start and count per dimension), read by one process.
template <Element T>
void readBlock(const Dataset& dataset, std::span<const std::uint64_t> start, std::span<const std::uint64_t> count,
               std::span<T> out);
// A whole one-dimensional dataset, read by one process; Error if it is not one-dimensional or holds
// more than `mostElements` (a damaged file must not make convoy allocate without bound).
template <Element T>
std::vector<T> readWhole(const Dataset& dataset, std::uint64_t mostElements, const std::string& what);

// Extendible tables: a column [rows], or a matrix [rows, columns] (columns may be 0).
template <Element T>
void createColumn(Node location, const std::string& name);
template <Element T>
void createMatrix(Node location, const std::string& name, std::uint64_t columns);
// Appends rows (row-major, rows x columns values) after the current last row.
template <Element T>
void appendRows(const Dataset& table, std::uint64_t rows, std::span<const T> values);
// Cuts (or extends) a table to `rows` rows.
void resizeRows(const Dataset& table, std::uint64_t rows);
// Writes the dataset's data and metadata to the file (for readers of a file being written).
void flush(const Dataset& dataset, const std::string& what);

// How a dataset is stored, for refusing what convoy cannot read in parallel.
struct Storage {
  enum class Layout { Contiguous, Chunked, Compact, Virtual } layout = Layout::Contiguous;
  std::vector<std::string> filters;  // compression and other filters, by name
  int externalFiles = 0;             // raw data kept in files outside this one
};
Storage storageOf(const Dataset& dataset);

}  // namespace convoy::h5
