// The velocity bit-planes of a NaSch road in state files (docs/output.md, encoding nasch-bitplanes-v1):
// /velocity/bit_<b> holds bit b of each car's velocity, in the layout of /road (uint64 words, cell i
// is bit i mod 64 of word i / 64), 0 where there is no car. Rule-184 files have no /velocity.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy::io {

// The encoding attribute of a state file of this road.
std::string roadEncoding(const Road& road);

// Collective: the words of this rank's velocities that exceed `vmax`, summed over all ranks (a
// road read from a file must not break the kernel's invariants).
std::uint64_t wordsAboveVmax(const Comm& comm, const Road& road, unsigned vmax);

}  // namespace convoy::io
