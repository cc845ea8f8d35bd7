// Opening and creating HDF5 files: every MPI-IO and file-access setting lives here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "convoy/h5/handle.hpp"

namespace convoy::h5 {

// Tunables of the config's output.hdf5 section (Lustre striping, ARCHER2's cray_cb_* hints, ...).
struct Settings {
  std::uint64_t alignment = 1 << 20;            // objects >= alignmentThreshold start at multiples of this
  std::uint64_t alignmentThreshold = 1 << 16;   // bytes
  std::map<std::string, std::string> mpiHints;  // passed to MPI_File_open through an MPI_Info
};

enum class Access { ReadOnly, ReadWrite };

// A file with its path, for messages.
struct OpenFile {
  File handle;
  std::string path;
  operator Node() const { return Node(handle); }  // NOLINT(google-explicit-constructor)
  // Closes now, reporting failure (where a full disk shows).
  void close() { handle.closeOrThrow("close " + path); }
};

// One process alone: the default driver, and for state files the alignment their collective data
// transfers (h5/collective_file.hpp) want. HDF5's file
// locking is honoured: a file another program has open for writing (h5py, or convoy's own series
// while a run writes them) is refused rather than read half-written.
OpenFile createSerial(const std::string& path, const Settings& settings = {});
OpenFile openSerial(const std::string& path, Access access);

// Series files (timeseries.h5, spacetime.h5): written by one process in HDF5's single-writer /
// multiple-reader mode (SWMR), so that readers may open them while a run writes them and a writer
// killed at any instant leaves a file that can be read and continued.
OpenFile createSeries(const std::string& path);
// Switches a series file that has all its datasets to SWMR writing (no new objects after this).
void startSeriesWriting(OpenFile& file);
// Opens a series file to continue it, in SWMR writing at once (its datasets exist already); a file
// whose writer was killed is marked "open for writing" in its superblock, which this clears (as
// HDF5's h5clear does).
OpenFile reopenSeries(const std::string& path);

// A file opened for reading by one process: closed files as they are; a series file that a run is
// writing (or whose writer was killed) in SWMR mode, so that what is read is a consistent prefix.
struct ReadFile {
  OpenFile file;
  bool beingWritten = false;
  operator Node() const { return file; }  // NOLINT(google-explicit-constructor)
};
ReadFile openForReading(const std::string& path);

// Writes everything of the file to disk.
// Where written data must be when a flush returns: in the operating system's page cache (a crash of
// the process loses nothing, a crash of the node may), or on the disk (fsync).
enum class Durability { PageCache, Disk };
void flush(const OpenFile& file, Durability durability = Durability::PageCache);
// The entries of `directory` on the disk (a rename is durable only then).
void syncDirectory(const std::string& directory);

// Whether `path` is an HDF5 file at all (for clear messages about files that are not).
bool isHdf5File(const std::string& path);

// Reserves the disk blocks of every byte the open file has allocated (up to its end-of-allocation
// address), so that writing its datasets' data later cannot fail for want of space or quota. Throws
// Error naming the file and the system's reason ("No space left on device", "Disk quota
// exceeded", "File too large"). A file system that cannot reserve space (EOPNOTSUPP) is left alone.
void reserveFileSpace(const OpenFile& file);

// Removes a dataset or group from an open file (its space returns to the file, so that a file given
// up can still be closed when the disk is full).
void removeLink(Node location, const std::string& name);

// How many HDF5 files failed to close in this process. HDF5 1.10 keeps such a file half-closed and
// crashes when it cleans up at MPI_Finalize; main then ends the process without that cleanup.
int failedCloses();

}  // namespace convoy::h5
