// Collective raw access to the contiguous datasets of a file HDF5 laid out (state files): every rank
// writes and reads its words of a dataset at the dataset's offset in the file, through MPI-IO
// collective calls (MPI_File_write_at_all, MPI_File_read_at_all), with the file's MPI-IO hints.
//
// Why not through HDF5: HDF5's MPI-IO driver brackets every collective transfer with collective
// MPI_File_set_view calls, and a rank whose write fails (a full disk, an I/O error) skips the second
// one, so the other ranks wait in it forever. Here every collective call returns on every rank, and
// the caller agrees on its outcome (Comm::agree) before the next one.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <span>
#include <string>

#include "convoy/h5/file.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy::h5 {

class CollectiveFile {
 public:
  // Collective (MPI_File_open). Throws RuntimeError naming the file on a rank where it fails.
  CollectiveFile(const Comm& comm, const std::string& path, Access access, const Settings& settings);
  // Collective: closes the file if it is open (every rank destroys it at the same point).
  ~CollectiveFile();
  CollectiveFile(const CollectiveFile&) = delete;
  CollectiveFile& operator=(const CollectiveFile&) = delete;

  // Collective: this rank's `words` at byte `offset` of the file (no words: it takes part all the same).
  void writeAt(std::uint64_t offset, std::span<const std::uint64_t> words);
  void readAt(std::uint64_t offset, std::span<std::uint64_t> words);
  // Collective: this file's data on the disk (MPI_File_sync, an fsync underneath), reporting failure.
  void sync();
  // Collective: closes the file, reporting failure.
  void close();
  const std::string& path() const { return path_; }

 private:
  MPI_File file_ = MPI_FILE_NULL;
  std::string path_;
};

// Where the data of a contiguous, allocated, unfiltered one-dimensional dataset of 64-bit words
// starts in its file, and how many words it holds; Error when its data is not stored that way.
struct ContiguousData {
  std::uint64_t offset = 0;
  std::uint64_t words = 0;
};
ContiguousData contiguousData(const Dataset& dataset, const std::string& what);

}  // namespace convoy::h5
