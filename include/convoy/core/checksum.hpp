// A 64-bit checksum of a sequence of values, in order: what convoy stores beside data to find damage
// and edits later (a checkpoint's own fields, the rows of the series files). It finds accidental
// damage, not a deliberate forgery: anyone may recompute it.
//
// The rule: state = mix(state + value * ODD + GAMMA) for every 64-bit value in turn, from state 0;
// the checksum is mix(state ^ count). Doubles count by their bits; text and bytes by their length,
// then 8 bytes at a time, little-endian, the last word padded with zeros.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string_view>

#include "convoy/core/random.hpp"

namespace convoy {

class Checksum {
 public:
  void add(std::uint64_t value) {
    state_ = random::mix(state_ + value * kOdd + random::kGamma);
    ++count_;
  }
  void add(std::int64_t value) { add(static_cast<std::uint64_t>(value)); }
  void add(double value) { add(std::bit_cast<std::uint64_t>(value)); }
  void add(std::span<const std::uint8_t> bytes);
  void add(std::string_view text);
  std::uint64_t value() const { return random::mix(state_ ^ count_); }
  std::uint64_t count() const { return count_; }

 private:
  static constexpr std::uint64_t kOdd = 0xD6E8FEB86659FD93ULL;
  std::uint64_t state_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace convoy
