// Attributes on files, groups and datasets. Written collectively when the file is open collectively:
// every rank must then pass the same value.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

// Scalars: std::int64_t, std::uint64_t, double, std::string (a variable-length UTF-8 string).
template <typename T>
void writeAttribute(Node object, const std::string& name, const T& value);
void writeAttribute(Node object, const std::string& name, const char* value);

bool hasAttribute(Node object, const std::string& name);
// Throws Error naming the attribute when it is missing, not a scalar of the kind asked for, or (for
// std::uint64_t) negative: an integer attribute that h5py wrote as int64 is read if it fits.
template <typename T>
T readAttribute(Node object, const std::string& name);

}  // namespace convoy::h5
