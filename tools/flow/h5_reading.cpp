#include "h5_reading.hpp"

#include <array>
#include <vector>

namespace convoy::flow {
namespace {

// Reads the hyperslab start/count (one entry per dimension) into `data` as `memoryType`.
void readSlab(const h5::Dataset& dataset, std::span<const hsize_t> start, std::span<const hsize_t> count,
              hid_t memoryType, void* data, const std::string& what) {
  hsize_t elements = 1;
  for (const hsize_t n : count) elements *= n;
  if (elements == 0) return;
  const h5::Dataspace fileSpace(H5Dget_space(dataset.get()), "read the shape of " + what);
  if (H5Sget_simple_extent_ndims(fileSpace.get()) != static_cast<int>(start.size())) {
    throw h5::Error("cannot read " + what + ": it does not have " + std::to_string(start.size()) + " dimension(s)");
  }
  h5::check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
            "select rows of " + what);
  const h5::Dataspace memory(H5Screate_simple(1, &elements, nullptr), "make a memory dataspace for " + what);
  h5::check(H5Dread(dataset.get(), memoryType, memory.get(), fileSpace.get(), H5P_DEFAULT, data), "read " + what);
}

}  // namespace

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<double> out, const std::string& what) {
  const std::array<hsize_t, 1> start{first};
  const std::array<hsize_t, 1> count{out.size()};
  readSlab(dataset, start, count, H5T_NATIVE_DOUBLE, out.data(), what);
}

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::uint64_t> out,
              const std::string& what) {
  const std::array<hsize_t, 1> start{first};
  const std::array<hsize_t, 1> count{out.size()};
  readSlab(dataset, start, count, H5T_NATIVE_UINT64, out.data(), what);
}

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::int64_t> out, const std::string& what) {
  const std::array<hsize_t, 1> start{first};
  const std::array<hsize_t, 1> count{out.size()};
  readSlab(dataset, start, count, H5T_NATIVE_INT64, out.data(), what);
}

void readColumnRows(const h5::Dataset& dataset, std::uint64_t column, std::uint64_t first, std::span<double> out,
                    const std::string& what) {
  const std::array<hsize_t, 2> start{first, column};
  const std::array<hsize_t, 2> count{out.size(), 1};
  readSlab(dataset, start, count, H5T_NATIVE_DOUBLE, out.data(), what);
}

}  // namespace convoy::flow
