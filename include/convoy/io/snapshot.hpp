// Snapshots: the whole road at a step, written collectively by all ranks into one file (each rank's
// words a hyperslab of one global dataset) with a coarse density profile, through a temporary name
// renamed into place once complete.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy::io {

struct StateWrite {
  std::uint64_t digest = 0;
  std::uint64_t bytes = 0;
  double seconds = 0.0;
  std::uint64_t transfers = 0;  // collective MPI-IO writes this rank took part in
};

// Collective. On failure every rank throws the same RuntimeError and nothing is left behind.
StateWrite writeSnapshot(const Comm& comm, const std::string& path, const Road& road, const RunIdentity& identity,
                         std::uint64_t step, std::uint64_t profileBins, const h5::Settings& settings);

// snapshots/snapshot_<step, 12 digits>.h5
std::string snapshotFileName(std::uint64_t step);

}  // namespace convoy::io
