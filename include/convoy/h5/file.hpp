// Opening and creating HDF5 files: every MPI-IO and file-access setting lives here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "convoy/comm.hpp"
#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

// Tunables of the config's output.hdf5 section (Lustre striping, ARCHER2's cray_cb_* hints, ...).
struct Settings {
  std::uint64_t alignment = 1 << 20;           // objects >= alignmentThreshold start at multiples of this
  std::uint64_t alignmentThreshold = 1 << 16;  // bytes
  std::map<std::string, std::string> mpiHints;  // passed to MPI_File_open through an MPI_Info
};

enum class Access { ReadOnly, ReadWrite };

// A file with its path, for messages.
struct OpenFile {
  File handle;
  std::string path;
  hid_t get() const { return handle.get(); }
};

// Collective over `comm`: MPI-IO driver, collective metadata reads and writes, alignment, hints.
OpenFile createCollective(const std::string& path, const Comm& comm, const Settings& settings);
OpenFile openCollective(const std::string& path, const Comm& comm, const Settings& settings, Access access);
// One process alone (rank 0's time series, tools): the default driver, no file locking so that a
// reader may open the file while the run writes it.
OpenFile createSerial(const std::string& path);
OpenFile openSerial(const std::string& path, Access access);

// Whether `path` is an HDF5 file at all (for clear messages about files that are not).
bool isHdf5File(const std::string& path);

// The transfer property list of collective reads and writes.
PropertyList collectiveTransfer();

}  // namespace convoy::h5
