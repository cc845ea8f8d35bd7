// A count with its noun, singular for 1 ("1 rank", "4 ranks"): the one place log lines and
// messages make plurals. Every noun convoy counts takes an "s".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace convoy {

// "1 step", "0 steps", "64 steps".
std::string counted(std::uint64_t count, std::string_view noun);

}  // namespace convoy
