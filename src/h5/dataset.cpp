#include "convoy/h5/dataset.hpp"

#include <algorithm>
#include <array>

#include "convoy/h5/file.hpp"

namespace convoy::h5 {
namespace {

constexpr hsize_t kRowsPerChunk = 4096;
constexpr hsize_t kBytesPerChunk = hsize_t{1} << 20;

// HDF5 refuses a null buffer even for an empty selection (a rank that owns nothing).
std::uint64_t placeholder = 0;
template <typename Pointer>
Pointer orPlaceholder(Pointer data) {
  return data != nullptr ? data : &placeholder;
}

Dataspace selection(hid_t fileSpace, Slab slab) {
  // The file space with this rank's slab selected (or nothing: such ranks still take part).
  if (slab.count == 0) {
    check(H5Sselect_none(fileSpace), "select nothing");
  } else {
    const hsize_t start = slab.offset;
    const hsize_t count = slab.count;
    check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select a slab");
  }
  const hsize_t memoryCount = slab.count;
  Dataspace memory(H5Screate_simple(1, &memoryCount, nullptr), "make a memory dataspace");
  if (slab.count == 0) check(H5Sselect_none(memory.get()), "select nothing in memory");
  return memory;
}

}  // namespace

bool hasDataset(hid_t location, const std::string& name) {
  return H5Lexists(location, name.c_str(), H5P_DEFAULT) > 0 &&
         H5Oexists_by_name(location, name.c_str(), H5P_DEFAULT) > 0;
}

Dataset openDataset(hid_t location, const std::string& name, const std::string& fileForMessages) {
  if (!hasDataset(location, name)) throw Error("there is no dataset \"" + name + "\" in " + fileForMessages);
  return Dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT),
                 "open dataset \"" + name + "\" in " + fileForMessages);
}

std::vector<std::uint64_t> extent(const Dataset& dataset) {
  const Dataspace space(H5Dget_space(dataset.get()), "read a dataset's shape");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Error("cannot read a dataset's rank: " + lastErrorReason());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "read a dataset's shape");
  return {dims.begin(), dims.end()};
}

Datatype storedType(const Dataset& dataset) { return Datatype(H5Dget_type(dataset.get()), "read a dataset's type"); }

H5D_mpio_actual_io_mode_t writeDistributed(hid_t location, const std::string& name, hid_t fileType, hid_t memoryType,
                                           std::uint64_t globalCount, Slab slab, const void* data) {
  const hsize_t dims = globalCount;
  const Dataspace fileSpace(H5Screate_simple(1, &dims, nullptr), "make the dataspace of " + name);
  const PropertyList creation(H5Pcreate(H5P_DATASET_CREATE), "make a creation list for " + name);
  // Every element is written, so the fill value never is; storage is allocated at creation, as
  // parallel HDF5 requires.
  check(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), "turn off fill values for " + name);
  check(H5Pset_alloc_time(creation.get(), H5D_ALLOC_TIME_EARLY), "allocate " + name + " early");
  const Dataset dataset(H5Dcreate2(location, name.c_str(), fileType, fileSpace.get(), H5P_DEFAULT, creation.get(),
                                   H5P_DEFAULT),
                        "create dataset " + name);
  // An empty dataset has no storage to write to (HDF5 refuses); every rank knows it is empty.
  if (globalCount == 0) return H5D_MPIO_NO_COLLECTIVE;
  const Dataspace memory = selection(fileSpace.get(), slab);
  const PropertyList transfer = collectiveTransfer();
  check(H5Dwrite(dataset.get(), memoryType, memory.get(), fileSpace.get(), transfer.get(), orPlaceholder(data)),
        "write dataset " + name);
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  check(H5Pget_mpio_actual_io_mode(transfer.get(), &mode), "ask how " + name + " was written");
  return mode;
}

void readDistributed(const Dataset& dataset, hid_t memoryType, Slab slab, void* data) {
  const Dataspace fileSpace(H5Dget_space(dataset.get()), "read a dataset's shape");
  const Dataspace memory = selection(fileSpace.get(), slab);
  const PropertyList transfer = collectiveTransfer();
  check(H5Dread(dataset.get(), memoryType, memory.get(), fileSpace.get(), transfer.get(), orPlaceholder(data)),
        "read a dataset");
}

namespace {

void createTable(hid_t location, const std::string& name, hid_t fileType, int rank, std::uint64_t columns) {
  const std::array<hsize_t, 2> dims{0, columns};
  const std::array<hsize_t, 2> maxDims{H5S_UNLIMITED, H5S_UNLIMITED};
  // Chunks of up to 4096 rows and about 1 MiB, so wide rows (a space-time window) stay in bounds.
  const hsize_t rowBytes = std::max<hsize_t>(columns, 1) * H5Tget_size(fileType);
  const hsize_t rowsPerChunk = std::clamp<hsize_t>(kBytesPerChunk / rowBytes, 1, kRowsPerChunk);
  const std::array<hsize_t, 2> chunk{rowsPerChunk, std::max<hsize_t>(columns, 1)};
  const Dataspace space(H5Screate_simple(rank, dims.data(), maxDims.data()), "make the dataspace of " + name);
  const PropertyList creation(H5Pcreate(H5P_DATASET_CREATE), "make a creation list for " + name);
  check(H5Pset_chunk(creation.get(), rank, chunk.data()), "chunk " + name);
  const Dataset dataset(
      H5Dcreate2(location, name.c_str(), fileType, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
      "create dataset " + name);
}

}  // namespace

void createColumn(hid_t location, const std::string& name, hid_t fileType) {
  createTable(location, name, fileType, 1, 0);
}

void createMatrix(hid_t location, const std::string& name, hid_t fileType, std::uint64_t columns) {
  createTable(location, name, fileType, 2, columns);
}

void resizeTable(hid_t location, const std::string& name, std::uint64_t rows) {
  const Dataset dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), "open dataset " + name);
  std::vector<std::uint64_t> dims = extent(dataset);
  dims[0] = rows;
  const std::vector<hsize_t> newDims(dims.begin(), dims.end());
  check(H5Dset_extent(dataset.get(), newDims.data()), "resize dataset " + name);
}

void appendRows(hid_t location, const std::string& name, hid_t memoryType, std::uint64_t rows, const void* data) {
  const Dataset dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), "open dataset " + name);
  const std::vector<std::uint64_t> old = extent(dataset);
  std::vector<hsize_t> dims(old.begin(), old.end());
  const hsize_t firstRow = dims[0];
  dims[0] += rows;
  check(H5Dset_extent(dataset.get(), dims.data()), "extend dataset " + name);
  if (rows == 0 || (dims.size() == 2 && dims[1] == 0)) return;
  const Dataspace fileSpace(H5Dget_space(dataset.get()), "read the shape of " + name);
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = firstRow;
  count[0] = rows;
  check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        "select new rows of " + name);
  const Dataspace memory(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                         "make a memory dataspace for " + name);
  check(H5Dwrite(dataset.get(), memoryType, memory.get(), fileSpace.get(), H5P_DEFAULT, data),
        "append rows to " + name);
}

void writeSmall(hid_t location, const std::string& name, hid_t fileType, hid_t memoryType, std::uint64_t count,
                const void* data) {
  const hsize_t dims = count;
  const Dataspace space(H5Screate_simple(1, &dims, nullptr), "make the dataspace of " + name);
  const Dataset dataset(
      H5Dcreate2(location, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "create dataset " + name);
  if (count > 0) check(H5Dwrite(dataset.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

Group createGroup(hid_t location, const std::string& name) {
  return Group(H5Gcreate2(location, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + name);
}

}  // namespace convoy::h5
