// The attributes every convoy HDF5 file carries (SPEC.md): convoy_version, config, cells, cars,
// model, plus kind ("snapshot", "checkpoint", "timeseries") so a reader knows what it holds.
#pragma once

#include <cstdint>
#include <string>

#include <hdf5.h>

namespace convoy::io {

struct RunIdentity {
  std::string configYaml;  // the resolved config
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::string model;
};

// The encoding of the road in state files, stored in their `encoding` attribute.
inline constexpr const char* kBitsEncoding =
    "bits-v1: cell i is bit (i mod 64) of 64-bit word (i / 64) of /road; bits past the last cell are 0";

// Collective when the file is: every rank passes the same values.
void writeIdentity(hid_t file, const std::string& kind, const RunIdentity& identity);

}  // namespace convoy::io
