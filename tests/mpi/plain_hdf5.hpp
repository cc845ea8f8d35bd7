// Reading HDF5 files with the plain HDF5 C API on one process, independently of convoy's h5 layer:
// the MPI tests' view of what a file holds.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace convoy::mpitest {

class PlainFile {
 public:
  PlainFile(const std::string& path, unsigned flags) : id_(H5Fopen(path.c_str(), flags, H5P_DEFAULT)) {}
  ~PlainFile() {
    if (id_ >= 0) H5Fclose(id_);
  }
  PlainFile(const PlainFile&) = delete;
  PlainFile& operator=(const PlainFile&) = delete;
  bool open() const { return id_ >= 0; }
  hid_t id() const { return id_; }

 private:
  hid_t id_;
};

template <typename Value>
struct DatasetContents {
  bool found = false;
  bool storedTypeMatches = false;  // the stored type is exactly the one docs/output.md names
  std::vector<hsize_t> shape;
  std::vector<Value> values;
};

template <typename Value>
DatasetContents<Value> readDataset(hid_t file, const char* name, hid_t memoryType, hid_t specType) {
  DatasetContents<Value> contents;
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return contents;
  const hid_t dataset = H5Dopen2(file, name, H5P_DEFAULT);
  if (dataset < 0) return contents;
  const hid_t type = H5Dget_type(dataset);
  contents.storedTypeMatches = H5Tequal(type, specType) > 0;
  H5Tclose(type);
  const hid_t space = H5Dget_space(dataset);
  const int rank = H5Sget_simple_extent_ndims(space);
  contents.shape.resize(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, contents.shape.data(), nullptr);
  H5Sclose(space);
  hsize_t elements = 1;
  for (const hsize_t extent : contents.shape) elements *= extent;
  contents.values.resize(elements);
  contents.found =
      elements == 0 || H5Dread(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, contents.values.data()) >= 0;
  H5Dclose(dataset);
  return contents;
}

// A uint64 attribute stored as uint64 (docs/output.md), or nothing.
inline std::optional<std::uint64_t> readUnsignedAttribute(hid_t file, const char* name) {
  if (H5Aexists(file, name) <= 0) return std::nullopt;
  const hid_t attribute = H5Aopen(file, name, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attribute);
  const bool isUint64 = H5Tequal(type, H5T_STD_U64LE) > 0;
  std::uint64_t value = 0;
  const bool read = isUint64 && H5Aread(attribute, H5T_NATIVE_UINT64, &value) >= 0;
  H5Tclose(type);
  H5Aclose(attribute);
  return read ? std::optional<std::uint64_t>(value) : std::nullopt;
}

// A variable-length string attribute (what h5py reads as str), or nothing.
inline std::optional<std::string> readTextAttribute(hid_t file, const char* name) {
  if (H5Aexists(file, name) <= 0) return std::nullopt;
  const hid_t attribute = H5Aopen(file, name, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attribute);
  std::optional<std::string> value;
  if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
    char* text = nullptr;
    if (H5Aread(attribute, type, &text) >= 0 && text != nullptr) value = std::string(text);
    H5free_memory(text);
  }
  H5Tclose(type);
  H5Aclose(attribute);
  return value;
}

}  // namespace convoy::mpitest
