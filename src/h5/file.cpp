#include "convoy/h5/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace convoy::h5 {
namespace {

PropertyList serialAccess(const std::string& path) {
  PropertyList access(H5Pcreate(H5P_FILE_ACCESS), "make a file access list for " + path);
  // HDF5's file locks, where the file system has them (Lustre mounted without flock has not).
  check(H5Pset_file_locking(access.get(), true, true), "ask for file locking for " + path);
  return access;
}

// The latest file format, which SWMR needs.
PropertyList seriesAccess(const std::string& path) {
  PropertyList access = serialAccess(path);
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
        "ask for the latest file format for " + path);
  return access;
}

// Runs a system call again while a signal interrupts it; 0, or the errno it failed with.
template <typename Call>
int untilNotInterrupted(Call call) {
  while (call() != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// fsync of `fd`: 0, or the error; EINVAL (a file system that cannot sync this kind of file, and keeps
// it by other means) counts as done.
int syncDescriptor(int fd) {
  const int error = untilNotInterrupted([fd] { return ::fsync(fd); });
  return error == EINVAL ? 0 : error;
}

unsigned openFlags(Access access) { return access == Access::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR; }

}  // namespace

OpenFile createSerial(const std::string& path, const Settings& settings) {
  const PropertyList access = serialAccess(path);
  check(H5Pset_alignment(access.get(), settings.alignmentThreshold, settings.alignment),
        "set the alignment for " + path);
  return {File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "create " + path), path};
}

OpenFile openSerial(const std::string& path, Access access) {
  const PropertyList list = serialAccess(path);
  return {File(H5Fopen(path.c_str(), openFlags(access), list.get()), "open " + path), path};
}

OpenFile createSeries(const std::string& path) {
  const PropertyList access = seriesAccess(path);
  return {File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "create " + path), path};
}

void startSeriesWriting(OpenFile& file) {
  check(H5Fstart_swmr_write(file.handle.get()), "start single-writer/multiple-reader writing of " + file.path);
}

OpenFile reopenSeries(const std::string& path) {
  // HDF5 opens an empty file for writing without complaint (tests/unit/h5_layer_test.cpp).
  if (!isHdf5File(path)) throw Error("cannot open " + path + " to continue it: it is not an HDF5 file");
  const PropertyList access = seriesAccess(path);
  // HDF5's own private property, which its h5clear tool sets for the same purpose.
  hbool_t clear = true;
  if (H5Pexist(access.get(), "clear_status_flags") > 0) {
    check(H5Pset(access.get(), "clear_status_flags", &clear), "prepare to reopen " + path);
  }
  // Straight into SWMR writing: a writer killed at any instant after this leaves a file marked as
  // SWMR-written, which readers (and the next restart) can open.
  OpenFile file{
      File(H5Fopen(path.c_str(), H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE, access.get()), "open " + path + " to continue it"),
      path};
  // A writer killed between two flushes of its superblock leaves an end-of-file address behind the
  // data its other metadata already points to: take the file's real end, as h5clear --increment does.
  check(H5Fincrement_filesize(file.handle.get(), 0), "find the end of " + path);
  return file;
}

namespace {

// The file consistency flags of a superblock of version 2 or 3 (HDF5 File Format Specification,
// "Superblock"): byte 11 of a file without a user block. A writer sets them while it has the file
// open (SWMR writers included) and clears them when it closes it; a writer that was killed leaves
// them set.
constexpr unsigned char kWriteAccess = 0x01;
constexpr unsigned char kSwmrWriteAccess = 0x04;

bool openForWriting(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::array<unsigned char, 12> head{};
  if (!file.read(reinterpret_cast<char*>(head.data()), head.size())) return false;
  static constexpr std::array<unsigned char, 8> kSignature{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  if (!std::equal(kSignature.begin(), kSignature.end(), head.begin())) return false;
  if (head[8] < 2 || head[11] == 0) return false;
  if ((head[11] & kSwmrWriteAccess) == 0 && (head[11] & kWriteAccess) != 0) {
    // HDF5 opens such a file neither plainly nor in SWMR mode.
    throw Error("cannot open " + path +
                ": a program has it open for writing, or was killed while it had (not in SWMR mode, so "
                "nothing of it can be read safely meanwhile); if no program has it open, h5clear -s " +
                path + " clears the mark");
  }
  return true;
}

}  // namespace

ReadFile openForReading(const std::string& path) {
  // A series file a writer has open (or had, when it was killed): SWMR reading sees only what the
  // writer has made consistent.
  const bool beingWritten = openForWriting(path);
  const PropertyList list = serialAccess(path);
  const unsigned flags = beingWritten ? H5F_ACC_RDONLY | H5F_ACC_SWMR_READ : H5F_ACC_RDONLY;
  return {{File(H5Fopen(path.c_str(), flags, list.get()), "open " + path), path}, beingWritten};
}

void flush(const OpenFile& file, Durability durability) {
  check(H5Fflush(file.handle.get(), H5F_SCOPE_GLOBAL), "flush " + file.path);
  if (durability == Durability::PageCache) return;
  void* handle = nullptr;  // the sec2 driver's: a pointer to its file descriptor
  check(H5Fget_vfd_handle(file.handle.get(), H5P_DEFAULT, &handle), "find the file descriptor of " + file.path);
  if (const int error = syncDescriptor(*static_cast<int*>(handle)); error != 0) {
    throw Error("cannot flush " + file.path + " to the disk: " + std::strerror(error));
  }
}

void syncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open the directory " + directory + " to sync it: " + std::strerror(errno));
  const int error = syncDescriptor(fd);
  ::close(fd);
  if (error != 0) throw Error("cannot sync the directory " + directory + ": " + std::strerror(error));
}

bool isHdf5File(const std::string& path) { return H5Fis_hdf5(path.c_str()) > 0; }

void reserveFileSpace(const OpenFile& file) {
  haddr_t end = 0;
  check(H5Fget_eoa(file.handle.get(), &end), "find the size of " + file.path);
  const auto bytes = static_cast<off_t>(end);
  const int fd = ::open(file.path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + file.path + " to reserve its space: " + std::strerror(errno));
  int error = untilNotInterrupted([fd, bytes] { return ::fallocate(fd, 0, 0, bytes); });
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0 && error != EOPNOTSUPP && error != ENOSYS) {
    throw Error("cannot reserve the " + std::to_string(bytes) + " bytes of " + file.path + ": " + std::strerror(error));
  }
}

void removeLink(Node location, const std::string& name) {
  check(H5Ldelete(location.id(), name.c_str(), H5P_DEFAULT), "remove " + name);
}

}  // namespace convoy::h5
