#include "convoy/core/checksum.hpp"

#include <cstring>

namespace convoy {

void Checksum::add(std::span<const std::uint8_t> bytes) {
  add(static_cast<std::uint64_t>(bytes.size()));
  std::size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + at, 8);  // x86-64 and every platform convoy runs on are little-endian
    add(word);
  }
  if (at < bytes.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + at, bytes.size() - at);
    add(word);
  }
}

void Checksum::add(std::string_view text) {
  add(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace convoy
