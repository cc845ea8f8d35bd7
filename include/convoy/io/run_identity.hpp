// The attributes every convoy HDF5 file carries: convoy_version, kind (timeseries, spacetime,
// snapshot, checkpoint), config (the resolved YAML), cells, cars and model.
#pragma once

#include <cstdint>
#include <string>

#include "convoy/h5/handle.hpp"
#include "convoy/io/state_file.hpp"

namespace convoy::io {

struct RunIdentity {
  std::string configYaml;  // the resolved config
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::string model;
};

// Written into an open file (by one process, or collectively with the same values on every rank).
void writeIdentity(h5::Node file, const std::string& kind, const RunIdentity& identity);
// The same attributes, for a state file written through writeStateFile.
void addIdentity(StateContents& contents, const std::string& kind, const RunIdentity& identity);

}  // namespace convoy::io
