#include "convoy/h5/attribute.hpp"

#include "convoy/h5/types.hpp"

namespace convoy::h5 {
namespace {

void writeScalar(Node object, const std::string& name, hid_t fileType, hid_t memoryType, const void* value) {
  const Dataspace space(H5Screate(H5S_SCALAR), "make a dataspace for attribute " + name);
  if (H5Aexists(object.id(), name.c_str()) > 0)
    check(H5Adelete(object.id(), name.c_str()), "replace attribute " + name);
  const Attribute attribute(H5Acreate2(object.id(), name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                            "create attribute " + name);
  check(H5Awrite(attribute.get(), memoryType, value), "write attribute " + name);
}

Attribute openAttribute(Node object, const std::string& name) {
  if (H5Aexists(object.id(), name.c_str()) <= 0) throw Error("the attribute '" + name + "' is missing");
  Attribute attribute(H5Aopen(object.id(), name.c_str(), H5P_DEFAULT), "open attribute " + name);
  const Dataspace space(H5Aget_space(attribute.get()), "read the shape of attribute " + name);
  if (H5Sget_simple_extent_type(space.get()) != H5S_SCALAR && H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw Error("the attribute '" + name + "' is not a single value");
  }
  return attribute;
}

H5T_class_t classOf(const Attribute& attribute, const std::string& name, H5T_sign_t* sign = nullptr) {
  const Datatype type(H5Aget_type(attribute.get()), "read the type of attribute " + name);
  if (sign != nullptr) *sign = H5Tget_sign(type.get());
  return H5Tget_class(type.get());
}

}  // namespace

template <>
void writeAttribute<std::int64_t>(Node object, const std::string& name, const std::int64_t& value) {
  writeScalar(object, name, fileType<std::int64_t>(), nativeType<std::int64_t>(), &value);
}
template <>
void writeAttribute<std::uint64_t>(Node object, const std::string& name, const std::uint64_t& value) {
  writeScalar(object, name, fileType<std::uint64_t>(), nativeType<std::uint64_t>(), &value);
}
template <>
void writeAttribute<double>(Node object, const std::string& name, const double& value) {
  writeScalar(object, name, fileType<double>(), nativeType<double>(), &value);
}
template <>
void writeAttribute<std::string>(Node object, const std::string& name, const std::string& value) {
  // A variable-length UTF-8 string: h5py reads it as str, h5dump shows it.
  const Datatype type(H5Tcopy(H5T_C_S1), "make a string type for attribute " + name);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "make attribute " + name + " variable-length");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "mark attribute " + name + " as UTF-8");
  const char* text = value.c_str();
  writeScalar(object, name, type.get(), type.get(), &text);
}

void writeAttribute(Node object, const std::string& name, const char* value) {
  writeAttribute(object, name, std::string(value));
}

bool hasAttribute(Node object, const std::string& name) { return H5Aexists(object.id(), name.c_str()) > 0; }

template <>
std::int64_t readAttribute<std::int64_t>(Node object, const std::string& name) {
  const Attribute attribute = openAttribute(object, name);
  H5T_sign_t sign = H5T_SGN_2;
  if (classOf(attribute, name, &sign) != H5T_INTEGER) throw Error("the attribute '" + name + "' is not an integer");
  if (sign == H5T_SGN_NONE) {
    std::uint64_t value = 0;
    check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), "read attribute " + name);
    if (value > static_cast<std::uint64_t>(INT64_MAX)) throw Error("the attribute '" + name + "' is out of range");
    return static_cast<std::int64_t>(value);
  }
  std::int64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

template <>
std::uint64_t readAttribute<std::uint64_t>(Node object, const std::string& name) {
  const Attribute attribute = openAttribute(object, name);
  H5T_sign_t sign = H5T_SGN_NONE;
  if (classOf(attribute, name, &sign) != H5T_INTEGER) throw Error("the attribute '" + name + "' is not an integer");
  if (sign != H5T_SGN_NONE) {
    std::int64_t value = 0;
    check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "read attribute " + name);
    if (value < 0) throw Error("the attribute '" + name + "' is negative (" + std::to_string(value) + ")");
    return static_cast<std::uint64_t>(value);
  }
  std::uint64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), "read attribute " + name);
  return value;
}

template <>
double readAttribute<double>(Node object, const std::string& name) {
  const Attribute attribute = openAttribute(object, name);
  if (classOf(attribute, name) != H5T_FLOAT) throw Error("the attribute '" + name + "' is not a real number");
  double value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "read attribute " + name);
  return value;
}

template <>
std::string readAttribute<std::string>(Node object, const std::string& name) {
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
