#include "convoy/io/format.hpp"

#include "convoy/model/nasch.hpp"

namespace convoy::io::format {

std::string planeDataset(std::uint64_t plane) { return std::string(kVelocityGroup) + "/bit_" + std::to_string(plane); }

std::string encodingName(const std::string& encoding) {
  for (const char* name : {kPlanesEncodingName, kBitsEncodingName}) {
    const std::string word = name;
    if (encoding == word || encoding.rfind(word + ":", 0) == 0) return word;
  }
  return encoding;
}

unsigned planesFor(std::uint64_t vmax) { return nasch::velocityPlanes(static_cast<unsigned>(vmax)); }

}  // namespace convoy::io::format
