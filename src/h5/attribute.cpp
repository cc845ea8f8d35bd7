#include "convoy/h5/attribute.hpp"

namespace convoy::h5 {
namespace {

void writeScalar(hid_t object, const std::string& name, hid_t fileType, hid_t memoryType, const void* value) {
  const Dataspace space(H5Screate(H5S_SCALAR), "make a dataspace for attribute " + name);
  if (H5Aexists(object, name.c_str()) > 0) check(H5Adelete(object, name.c_str()), "replace attribute " + name);
  const Attribute attribute(H5Acreate2(object, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                            "create attribute " + name);
  check(H5Awrite(attribute.get(), memoryType, value), "write attribute " + name);
}

Attribute openAttribute(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) throw Error("the attribute '" + name + "' is missing");
  return Attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
}

template <typename Value>
Value readNumber(hid_t object, const std::string& name, hid_t memoryType, H5T_class_t expectedClass) {
  const Attribute attribute = openAttribute(object, name);
  const Datatype type(H5Aget_type(attribute.get()), "read the type of attribute " + name);
  if (H5Tget_class(type.get()) != expectedClass) throw Error("the attribute '" + name + "' has the wrong type");
  Value value{};
  check(H5Aread(attribute.get(), memoryType, &value), "read attribute " + name);
  return value;
}

}  // namespace

void writeAttribute(hid_t object, const std::string& name, std::int64_t value) {
  writeScalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void writeAttribute(hid_t object, const std::string& name, std::uint64_t value) {
  writeScalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void writeAttribute(hid_t object, const std::string& name, double value) {
  writeScalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void writeAttribute(hid_t object, const std::string& name, const std::string& value) {
  // A variable-length UTF-8 string: h5py reads it as str, h5dump shows it.
  const Datatype type(H5Tcopy(H5T_C_S1), "make a string type for attribute " + name);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "make attribute " + name + " variable-length");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "mark attribute " + name + " as UTF-8");
  const char* text = value.c_str();
  writeScalar(object, name, type.get(), type.get(), &text);
}

void writeAttribute(hid_t object, const std::string& name, const char* value) {
  writeAttribute(object, name, std::string(value));
}

bool hasAttribute(hid_t object, const std::string& name) { return H5Aexists(object, name.c_str()) > 0; }

std::uint64_t readUnsignedAttribute(hid_t object, const std::string& name) {
  return readNumber<std::uint64_t>(object, name, H5T_NATIVE_UINT64, H5T_INTEGER);
}

std::int64_t readSignedAttribute(hid_t object, const std::string& name) {
  return readNumber<std::int64_t>(object, name, H5T_NATIVE_INT64, H5T_INTEGER);
}

double readRealAttribute(hid_t object, const std::string& name) {
  return readNumber<double>(object, name, H5T_NATIVE_DOUBLE, H5T_FLOAT);
}

std::string readTextAttribute(hid_t object, const std::string& name) {
  const Attribute attribute = openAttribute(object, name);
  const Datatype type(H5Aget_type(attribute.get()), "read the type of attribute " + name);
  if (H5Tget_class(type.get()) != H5T_STRING) throw Error("the attribute '" + name + "' is not text");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;
    check(H5Aread(attribute.get(), type.get(), &text), "read attribute " + name);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  check(H5Aread(attribute.get(), type.get(), value.data()), "read attribute " + name);
  value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
  return value;
}

}  // namespace convoy::h5
