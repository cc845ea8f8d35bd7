#include "convoy/h5/types.hpp"

namespace convoy::h5 {

template <>
hid_t nativeType<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t nativeType<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
hid_t nativeType<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t nativeType<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t nativeType<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t nativeType<std::int16_t>() {
  return H5T_NATIVE_INT16;
}

template <>
hid_t fileType<std::int64_t>() {
  return H5T_STD_I64LE;
}
template <>
hid_t fileType<std::uint64_t>() {
  return H5T_STD_U64LE;
}
template <>
hid_t fileType<double>() {
  return H5T_IEEE_F64LE;
}
template <>
hid_t fileType<float>() {
  return H5T_IEEE_F32LE;
}
template <>
hid_t fileType<std::uint8_t>() {
  return H5T_STD_U8LE;
}
template <>
hid_t fileType<std::int16_t>() {
  return H5T_STD_I16LE;
}

namespace {

// h5py stores numpy's bool as an enumeration of a one-byte integer with members FALSE = 0, TRUE = 1.
bool isBooleanEnum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_size(type) != 1 || H5Tget_nmembers(type) != 2) return false;
  for (unsigned member = 0; member < 2; ++member) {
    signed char value = -1;
    if (H5Tget_member_value(type, member, &value) < 0 || value != static_cast<signed char>(member)) return false;
  }
  return true;
}

}  // namespace

TypeInfo typeOf(const Dataset& dataset) {
  const Datatype type(H5Dget_type(dataset.get()), "read a dataset's type");
  TypeInfo info;
  info.bytes = H5Tget_size(type.get());
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER:
      info.kind = TypeClass::Integer;
      info.isSigned = H5Tget_sign(type.get()) != H5T_SGN_NONE;
      break;
    case H5T_FLOAT:
      info.kind = TypeClass::Float;
      break;
    case H5T_STRING:
      info.kind = TypeClass::String;
      break;
    case H5T_ENUM:
      info.kind = isBooleanEnum(type.get()) ? TypeClass::Boolean : TypeClass::Other;
      break;
    default:
      info.kind = TypeClass::Other;
      break;
  }
  return info;
}

std::string TypeInfo::describe() const {
  switch (kind) {
    case TypeClass::Integer:
      return (isSigned ? "int" : "uint") + std::to_string(8 * bytes);
    case TypeClass::Float:
      return "float" + std::to_string(8 * bytes);
    case TypeClass::String:
      return "strings";
    case TypeClass::Boolean:
      return "bool";
    case TypeClass::Other:
      break;
  }
  return "a non-numeric type";
}

}  // namespace convoy::h5
