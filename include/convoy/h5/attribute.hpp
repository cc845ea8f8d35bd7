// Attributes on files, groups and datasets. Written collectively, every rank must pass the same value.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

void writeAttribute(hid_t object, const std::string& name, std::int64_t value);
void writeAttribute(hid_t object, const std::string& name, std::uint64_t value);
void writeAttribute(hid_t object, const std::string& name, double value);
void writeAttribute(hid_t object, const std::string& name, const std::string& value);
void writeAttribute(hid_t object, const std::string& name, const char* value);

bool hasAttribute(hid_t object, const std::string& name);
// Readers throw Error naming the attribute when it is missing or of another kind.
std::uint64_t readUnsignedAttribute(hid_t object, const std::string& name);
std::int64_t readSignedAttribute(hid_t object, const std::string& name);
double readRealAttribute(hid_t object, const std::string& name);
std::string readTextAttribute(hid_t object, const std::string& name);

}  // namespace convoy::h5
