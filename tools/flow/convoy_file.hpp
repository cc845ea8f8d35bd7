// Opening convoy's output files for reading, with the checks a user needs to hear about: the path
// exists, is HDF5, was written by convoy (it has a `kind` attribute) and is of the kind asked for.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "convoy/h5/file.hpp"

namespace convoy::flow {

struct ConvoyFile {
  h5::ReadFile file;
  std::string kind;  // timeseries, snapshot, checkpoint
  std::string model;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  h5::Node get() const { return file; }
  const std::string& path() const { return file.file.path; }
};

// Opens `path` read-only (default driver, no MPI needed). Throws InputError naming the file when it
// is missing, not HDF5, not convoy output, or of a kind not in `kinds`; `wanted` completes the
// sentence "... but <command> needs <wanted>".
ConvoyFile openConvoyFile(const std::string& path, std::initializer_list<const char*> kinds, const std::string& wanted);

// A run directory means its timeseries.h5; a file is itself. Throws InputError for a directory
// without one, and for a path that does not exist.
std::string timeseriesPathOf(const std::string& runDirectoryOrFile);

}  // namespace convoy::flow
