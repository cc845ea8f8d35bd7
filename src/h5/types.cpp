#include "convoy/h5/types.hpp"

#include <algorithm>
#include <vector>

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

struct EnumMember {
  std::string name;
  long long value = 0;
};

// An enumeration's members, by value.
std::vector<EnumMember> enumMembers(hid_t type) {
  const Datatype base(H5Tget_super(type), "read an enumeration's base type");
  const int count = H5Tget_nmembers(type);
  std::vector<EnumMember> members;
  for (int i = 0; i < count; ++i) {
    const auto index = static_cast<unsigned>(i);
    EnumMember member;
    if (char* name = H5Tget_member_name(type, index)) {
      member.name = name;
      H5free_memory(name);
    }
    // The value is stored in the base type; converted in place to a long long (the buffer fits both).
    long long value = 0;
    if (H5Tget_member_value(type, index, &value) >= 0 &&
        H5Tconvert(base.get(), H5T_NATIVE_LLONG, 1, &value, nullptr, H5P_DEFAULT) >= 0) {
      member.value = value;
    }
    members.push_back(std::move(member));
  }
  std::ranges::sort(members, {}, &EnumMember::value);
  return members;
}

// h5py stores numpy's bool as an enumeration of a one-byte integer with members FALSE = 0, TRUE = 1.
bool isBoolean(const std::vector<EnumMember>& members, std::size_t bytes) {
  if (bytes != 1 || members.size() != 2) return false;
  for (const EnumMember& member : members) {
    if (!(member.name == "FALSE" && member.value == 0) && !(member.name == "TRUE" && member.value == 1)) return false;
  }
  return true;  // two members, each FALSE = 0 or TRUE = 1, and HDF5 refuses two equal values
}

std::string listed(const std::vector<EnumMember>& members) {
  std::string text;
  for (const EnumMember& member : members) {
    text += (text.empty() ? "" : ", ") + member.name + " = " + std::to_string(member.value);
  }
  return text;
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
    case H5T_ENUM: {
      const std::vector<EnumMember> members = enumMembers(type.get());
      info.kind = isBoolean(members, info.bytes) ? TypeClass::Boolean : TypeClass::Enumeration;
      info.members = listed(members);
      break;
    }
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
    case TypeClass::Enumeration:
      return "an enumeration (" + members + ")";
    case TypeClass::Other:
      break;
  }
  return "a non-numeric type";
}

}  // namespace convoy::h5
