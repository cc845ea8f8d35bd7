// C++ element types and their HDF5 types: the native (memory) type and the little-endian type stored
// in files, so that no H5T_* constant appears outside the h5 layer; and what a stored type is, for
// messages about files that hold something else.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

// The element types convoy reads and writes.
template <typename T>
concept Element = std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> || std::is_same_v<T, double> ||
    std::is_same_v<T, float> || std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int16_t>;

template <Element T>
hid_t nativeType();
template <Element T>
hid_t fileType();

// What a dataset or attribute stores.
// Boolean: an enumeration of exactly FALSE = 0 and TRUE = 1 (how h5py stores numpy's bool).
enum class TypeClass { Integer, Float, String, Boolean, Enumeration, Other };
struct TypeInfo {
  TypeClass kind = TypeClass::Other;
  std::size_t bytes = 0;
  bool isSigned = false;
  std::string members;  // of an Enumeration: "RED = 0, GREEN = 1"
  // "uint8", "int64", "float32", "bool", "strings", "an enumeration (RED = 0, GREEN = 1)", ...
  std::string describe() const;
};
TypeInfo typeOf(const Dataset& dataset);

}  // namespace convoy::h5
