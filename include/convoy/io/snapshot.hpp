// Snapshots (SPEC.md): the whole road at a step, written collectively by all ranks into one file,
// each rank's words a hyperslab of one global dataset, with a coarse density profile.
#pragma once

#include <cstdint>
#include <string>

#include <hdf5.h>

#include "convoy/comm.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/road.hpp"

namespace convoy::io {

struct StateWrite {
  std::uint64_t digest = 0;
  H5D_mpio_actual_io_mode_t roadIoMode = H5D_MPIO_NO_COLLECTIVE;  // how HDF5 really wrote /road
};

// Collective. Writes `path` through a temporary name and renames it into place once complete.
StateWrite writeSnapshot(const Comm& comm, const std::string& path, const Road& road,
                         const RunIdentity& identity, std::uint64_t step, std::uint64_t profileBins,
                         const h5::Settings& settings);

// snapshots/snapshot_<step, 12 digits>.h5
std::string snapshotFileName(std::uint64_t step);

}  // namespace convoy::io
