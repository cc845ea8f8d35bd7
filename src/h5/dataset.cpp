#include "convoy/h5/dataset.hpp"

#include <algorithm>
#include <array>

namespace convoy::h5 {
namespace {

constexpr hsize_t kRowsPerChunk = 4096;
constexpr hsize_t kBytesPerChunk = hsize_t{1} << 20;

// HDF5 refuses a null buffer even for an empty selection (a rank that owns nothing).
std::uint64_t placeholder = 0;
template <typename Pointer>
Pointer orPlaceholder(Pointer data) {
  return data != nullptr ? data : reinterpret_cast<Pointer>(&placeholder);
}

// The file space with `slab` selected (or nothing: such ranks still take part), and its memory space.
Dataspace selectSlab(hid_t fileSpace, Slab slab) {
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

std::string nameOf(const Dataset& dataset) {
  const ssize_t length = H5Iget_name(dataset.get(), nullptr, 0);
  if (length <= 0) return "a dataset";
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Iget_name(dataset.get(), name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

void createTable(Node location, const std::string& name, hid_t fileType, int rank, std::uint64_t columns) {
  const std::array<hsize_t, 2> dims{0, columns};
  // Only the rows grow; a matrix without columns must still have a chunk of one column.
  const std::array<hsize_t, 2> maxDims{H5S_UNLIMITED, columns > 0 ? columns : H5S_UNLIMITED};
  // Chunks of up to 4096 rows and about 1 MiB, so wide rows (a space-time window) stay in bounds.
  const hsize_t rowBytes = std::max<hsize_t>(columns, 1) * H5Tget_size(fileType);
  const hsize_t rowsPerChunk = std::clamp<hsize_t>(kBytesPerChunk / rowBytes, 1, kRowsPerChunk);
  const std::array<hsize_t, 2> chunk{rowsPerChunk, std::max<hsize_t>(columns, 1)};
  const Dataspace space(H5Screate_simple(rank, dims.data(), maxDims.data()), "make the dataspace of " + name);
  const PropertyList creation(H5Pcreate(H5P_DATASET_CREATE), "make a creation list for " + name);
  check(H5Pset_chunk(creation.get(), rank, chunk.data()), "chunk " + name);
  check(H5Pset_obj_track_times(creation.get(), false), "turn off time stamps for " + name);
  const Dataset dataset(
      H5Dcreate2(location.id(), name.c_str(), fileType, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
      "create dataset " + name);
}

}  // namespace

bool hasDataset(Node location, const std::string& name) {
  // Each part of a path must exist before the next is asked about.
  for (std::size_t end = name.find('/');; end = name.find('/', end + 1)) {
    const std::string part = name.substr(0, end);
    if (!part.empty() && H5Lexists(location.id(), part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (end == std::string::npos) break;
  }
  if (H5Oexists_by_name(location.id(), name.c_str(), H5P_DEFAULT) <= 0) return false;
  H5O_info_t info{};
  if (H5Oget_info_by_name(location.id(), name.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_DATASET;
}

Dataset openDataset(Node location, const std::string& name, const std::string& fileForMessages) {
  if (!hasDataset(location, name)) throw Error("there is no dataset \"" + name + "\" in " + fileForMessages);
  return Dataset(H5Dopen2(location.id(), name.c_str(), H5P_DEFAULT),
                 "open dataset \"" + name + "\" in " + fileForMessages);
}

Group createGroup(Node location, const std::string& name) {
  return Group(H5Gcreate2(location.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + name);
}

std::vector<std::uint64_t> extent(const Dataset& dataset) {
  const Dataspace space(H5Dget_space(dataset.get()), "read a dataset's shape");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Error("cannot read a dataset's rank: " + lastErrorReason());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "read a dataset's shape");
  return {dims.begin(), dims.end()};
}

template <Element T>
void createFixed(Node location, const std::string& name, std::uint64_t count) {
  const hsize_t dims = count;
  const Dataspace space(H5Screate_simple(1, &dims, nullptr), "make the dataspace of " + name);
  const PropertyList creation(H5Pcreate(H5P_DATASET_CREATE), "make a creation list for " + name);
  // Every element is written, so the fill value never is; storage is allocated at creation.
  check(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), "turn off fill values for " + name);
  check(H5Pset_alloc_time(creation.get(), H5D_ALLOC_TIME_EARLY), "allocate " + name + " early");
  check(H5Pset_obj_track_times(creation.get(), false), "turn off time stamps for " + name);
  const Dataset dataset(
      H5Dcreate2(location.id(), name.c_str(), fileType<T>(), space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
      "create dataset " + name);
}

template <Element T>
void writeWhole(Node location, const std::string& name, std::span<const T> values) {
  createFixed<T>(location, name, values.size());
  const Dataset dataset(H5Dopen2(location.id(), name.c_str(), H5P_DEFAULT), "open dataset " + name);
  if (!values.empty()) {
    check(H5Dwrite(dataset.get(), nativeType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write " + name);
  }
}

template <Element T>
void readSlab(const Dataset& dataset, Slab slab, std::span<T> out) {
  const Dataspace fileSpace(H5Dget_space(dataset.get()), "read the shape of " + nameOf(dataset));
  const Dataspace memory = selectSlab(fileSpace.get(), slab);
  check(H5Dread(dataset.get(), nativeType<T>(), memory.get(), fileSpace.get(), H5P_DEFAULT, orPlaceholder(out.data())),
        "read " + nameOf(dataset));
}

void readBooleanSlab(const Dataset& dataset, Slab slab, std::span<std::uint8_t> out) {
  const Dataspace fileSpace(H5Dget_space(dataset.get()), "read the shape of " + nameOf(dataset));
  const Dataspace memory = selectSlab(fileSpace.get(), slab);
  // An enumeration converts only to an enumeration: read it as itself, whose values are 0 and 1.
  const Datatype stored(H5Dget_type(dataset.get()), "read the type of " + nameOf(dataset));
  const Datatype native(H5Tget_native_type(stored.get(), H5T_DIR_ASCEND), "read the type of " + nameOf(dataset));
  check(H5Dread(dataset.get(), native.get(), memory.get(), fileSpace.get(), H5P_DEFAULT, orPlaceholder(out.data())),
        "read " + nameOf(dataset));
}

template <Element T>
void readBlock(const Dataset& dataset, std::span<const std::uint64_t> start, std::span<const std::uint64_t> count,
               std::span<T> out) {
  hsize_t elements = 1;
  for (const std::uint64_t n : count) elements *= n;
  if (elements == 0) return;
  const Dataspace fileSpace(H5Dget_space(dataset.get()), "read the shape of " + nameOf(dataset));
  if (H5Sget_simple_extent_ndims(fileSpace.get()) != static_cast<int>(start.size())) {
    throw Error("cannot read " + nameOf(dataset) + ": it does not have " + std::to_string(start.size()) +
                " dimension(s)");
  }
  const std::vector<hsize_t> first(start.begin(), start.end());
  const std::vector<hsize_t> counts(count.begin(), count.end());
  check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, first.data(), nullptr, counts.data(), nullptr),
        "select rows of " + nameOf(dataset));
  const Dataspace memory(H5Screate_simple(1, &elements, nullptr), "make a memory dataspace");
  check(H5Dread(dataset.get(), nativeType<T>(), memory.get(), fileSpace.get(), H5P_DEFAULT, out.data()),
        "read " + nameOf(dataset));
}

template <Element T>
std::vector<T> readWhole(const Dataset& dataset, std::uint64_t mostElements, const std::string& what) {
  const std::vector<std::uint64_t> shape = extent(dataset);
  if (shape.size() != 1) throw Error(what + " has " + std::to_string(shape.size()) + " dimensions, not 1");
  if (shape[0] > mostElements) {
    throw Error(what + " holds " + std::to_string(shape[0]) + " values, more than the " + std::to_string(mostElements) +
                " it may hold");
  }
  std::vector<T> values(shape[0]);
  if (!values.empty()) {
    check(H5Dread(dataset.get(), nativeType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + what);
  }
  return values;
}

template <Element T>
void createColumn(Node location, const std::string& name) {
  createTable(location, name, fileType<T>(), 1, 0);
}

template <Element T>
void createMatrix(Node location, const std::string& name, std::uint64_t columns) {
  createTable(location, name, fileType<T>(), 2, columns);
}

void resizeRows(const Dataset& table, std::uint64_t rows) {
  std::vector<std::uint64_t> dims = extent(table);
  dims[0] = rows;
  const std::vector<hsize_t> newDims(dims.begin(), dims.end());
  check(H5Dset_extent(table.get(), newDims.data()), "resize " + nameOf(table));
}

template <Element T>
void appendRows(const Dataset& table, std::uint64_t rows, std::span<const T> values) {
  const std::vector<std::uint64_t> old = extent(table);
  std::vector<hsize_t> dims(old.begin(), old.end());
  const hsize_t firstRow = dims[0];
  dims[0] += rows;
  check(H5Dset_extent(table.get(), dims.data()), "extend " + nameOf(table));
  if (rows == 0 || (dims.size() == 2 && dims[1] == 0)) return;
  const Dataspace fileSpace(H5Dget_space(table.get()), "read the shape of " + nameOf(table));
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = firstRow;
  count[0] = rows;
  check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        "select new rows of " + nameOf(table));
  const Dataspace memory(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                         "make a memory dataspace for " + nameOf(table));
  check(H5Dwrite(table.get(), nativeType<T>(), memory.get(), fileSpace.get(), H5P_DEFAULT, values.data()),
        "append rows to " + nameOf(table));
}

void flush(const Dataset& dataset, const std::string& what) { check(H5Dflush(dataset.get()), "flush " + what); }

Storage storageOf(const Dataset& dataset) {
  const PropertyList creation(H5Dget_create_plist(dataset.get()), "read how a dataset is stored");
  Storage storage;
  switch (H5Pget_layout(creation.get())) {
    case H5D_CHUNKED:
      storage.layout = Storage::Layout::Chunked;
      break;
    case H5D_COMPACT:
      storage.layout = Storage::Layout::Compact;
      break;
    case H5D_VIRTUAL:
      storage.layout = Storage::Layout::Virtual;
      break;
    default:
      storage.layout = Storage::Layout::Contiguous;
      break;
  }
  const int filters = H5Pget_nfilters(creation.get());
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0;
    std::size_t elements = 0;
    std::array<char, 128> name{};
    unsigned config = 0;
    const H5Z_filter_t id = H5Pget_filter2(creation.get(), static_cast<unsigned>(i), &flags, &elements, nullptr,
                                           name.size(), name.data(), &config);
    storage.filters.push_back(name[0] != '\0' ? std::string(name.data()) : "filter " + std::to_string(id));
  }
  storage.externalFiles = std::max(0, H5Pget_external_count(creation.get()));
  return storage;
}

#define CONVOY_H5_DATASET_INSTANCES(T)                                                                       \
  template void createFixed<T>(Node, const std::string&, std::uint64_t);                                     \
  template void writeWhole<T>(Node, const std::string&, std::span<const T>);                                 \
  template void readSlab<T>(const Dataset&, Slab, std::span<T>);                                             \
  template void readBlock<T>(const Dataset&, std::span<const std::uint64_t>, std::span<const std::uint64_t>, \
                             std::span<T>);                                                                  \
  template std::vector<T> readWhole<T>(const Dataset&, std::uint64_t, const std::string&);                   \
  template void createColumn<T>(Node, const std::string&);                                                   \
  template void createMatrix<T>(Node, const std::string&, std::uint64_t);                                    \
  template void appendRows<T>(const Dataset&, std::uint64_t, std::span<const T>);
CONVOY_H5_DATASET_INSTANCES(std::int64_t)
CONVOY_H5_DATASET_INSTANCES(std::uint64_t)
CONVOY_H5_DATASET_INSTANCES(double)
CONVOY_H5_DATASET_INSTANCES(float)
CONVOY_H5_DATASET_INSTANCES(std::uint8_t)
CONVOY_H5_DATASET_INSTANCES(std::int16_t)
#undef CONVOY_H5_DATASET_INSTANCES

}  // namespace convoy::h5
