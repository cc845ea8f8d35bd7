// The velocity bit-planes of a NaSch road in state files (docs/output.md, encoding nasch-bitplanes-v1):
// /velocity/bit_<b> holds bit b of each car's velocity, in the layout of /road (uint64 words, cell i
// is bit i mod 64 of word i / 64), 0 where there is no car. Rule-184 files have no /velocity.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/comm.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/road.hpp"

namespace convoy::io {

inline constexpr const char* kPlanesEncoding =
    "nasch-bitplanes-v1: /road as bits-v1 (cell i is bit (i mod 64) of 64-bit word (i / 64)); /velocity/bit_<b> "
    "in the same layout holds bit b of the velocity of the car in each cell (0 where no car); velocity = sum_b "
    "2^b bit_b; attribute velocity_planes = number of planes";

// The encoding attribute of a state file of this road.
std::string roadEncoding(const Road& road);

// Collective: writes /velocity/bit_<b> for every plane of `road` and the root attribute
// velocity_planes (nothing for a road without planes).
void writeVelocityPlanes(const Comm& comm, hid_t file, const Road& road, std::uint64_t cells);

// How many velocity planes a state file holds (0: none, a rule-184 file or not a convoy file).
std::uint64_t storedVelocityPlanes(hid_t file);

// Collective: reads the velocity planes of `path` into `road` (whose occupancy is already read). A
// file without planes leaves every velocity 0. Velocities above vmax, or on cells without a car,
// are an InputError naming the file on all ranks.
void readVelocityPlanes(const Comm& comm, const std::string& path, Road& road, unsigned vmax);

// Collective: the partial digest sum of the planes of `file` for `range` (0 without planes); for
// checking a file's digest without building a road.
std::uint64_t planesDigestPartialSum(const Comm& comm, hid_t file, const std::string& path, CellRange range);

}  // namespace convoy::io
