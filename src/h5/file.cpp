#include "convoy/h5/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace convoy::h5 {
namespace {

// MPI_Info owned for the length of one open call.
class Hints {
 public:
  explicit Hints(const std::map<std::string, std::string>& hints) {
    CONVOY_MPI_CHECK(MPI_Info_create(&info_));
    for (const auto& [key, value] : hints) CONVOY_MPI_CHECK(MPI_Info_set(info_, key.c_str(), value.c_str()));
  }
  ~Hints() { MPI_Info_free(&info_); }
  Hints(const Hints&) = delete;
  Hints& operator=(const Hints&) = delete;
  MPI_Info get() const { return info_; }

 private:
  MPI_Info info_ = MPI_INFO_NULL;
};

PropertyList collectiveAccess(const Comm& comm, const Settings& settings, const std::string& path) {
  PropertyList access(H5Pcreate(H5P_FILE_ACCESS), "make a file access list for " + path);
  const Hints hints(settings.mpiHints);
  check(H5Pset_fapl_mpio(access.get(), comm.raw(), hints.get()), "select MPI-IO for " + path);
  // Metadata is read once and broadcast: thousands of ranks do not each read the same superblock.
  check(H5Pset_all_coll_metadata_ops(access.get(), true), "ask for collective metadata reads for " + path);
  check(H5Pset_coll_metadata_write(access.get(), true), "ask for collective metadata writes for " + path);
  check(H5Pset_alignment(access.get(), settings.alignmentThreshold, settings.alignment),
        "set the alignment for " + path);
  return access;
}

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

unsigned openFlags(Access access) { return access == Access::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR; }

}  // namespace

OpenFile openCollective(const std::string& path, const Comm& comm, const Settings& settings, Access access) {
  const PropertyList list = collectiveAccess(comm, settings, path);
  return {File(H5Fopen(path.c_str(), openFlags(access), list.get()), "open " + path), path};
}

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
  const PropertyList access = seriesAccess(path);
  // HDF5's own private property, which its h5clear tool sets for the same purpose.
  hbool_t clear = true;
  if (H5Pexist(access.get(), "clear_status_flags") > 0) {
    check(H5Pset(access.get(), "clear_status_flags", &clear), "prepare to reopen " + path);
  }
  OpenFile file{File(H5Fopen(path.c_str(), H5F_ACC_RDWR, access.get()), "open " + path + " to continue it"), path};
  // A writer killed between two flushes of its superblock leaves an end-of-file address behind the
  // data its other metadata already points to: take the file's real end, as h5clear --increment does.
  check(H5Fincrement_filesize(file.handle.get(), 0), "find the end of " + path);
  return file;
}

ReadFile openForReading(const std::string& path) {
  {
    const PropertyList list = serialAccess(path);
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, list.get());
    if (id >= 0) return {{File(id, "open " + path), path}, false};
  }
  // A series file a writer has open (or had, when it was killed) refuses a plain open; SWMR
  // reading takes it, and sees only what the writer has made consistent.
  const std::string plainReason = lastErrorReason();
  const PropertyList list = serialAccess(path);
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, list.get());
  if (id >= 0) return {{File(id, "open " + path), path}, true};
  throw Error("cannot open " + path + ": " + plainReason);
}

void flush(const OpenFile& file) { check(H5Fflush(file.handle.get(), H5F_SCOPE_GLOBAL), "flush " + file.path); }

bool isHdf5File(const std::string& path) { return H5Fis_hdf5(path.c_str()) > 0; }

void reserveFileSpace(const OpenFile& file, std::uint64_t slackBytes) {
  haddr_t end = 0;
  check(H5Fget_eoa(file.handle.get(), &end), "find the size of " + file.path);
  const auto bytes = static_cast<off_t>(end + slackBytes);
  const int fd = ::open(file.path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + file.path + " to reserve its space: " + std::strerror(errno));
  int result = 0;
  int error = 0;
  do {
    result = ::fallocate(fd, 0, 0, bytes);
    error = errno;
  } while (result != 0 && error == EINTR);
  ::close(fd);
  if (result != 0 && error != EOPNOTSUPP && error != ENOSYS) {
    throw Error("cannot reserve the " + std::to_string(bytes) + " bytes of " + file.path + ": " + std::strerror(error));
  }
}

void removeLink(Node location, const std::string& name) {
  check(H5Ldelete(location.id(), name.c_str(), H5P_DEFAULT), "remove " + name);
}

PropertyList collectiveTransfer() {
  PropertyList transfer(H5Pcreate(H5P_DATASET_XFER), "make a transfer property list");
  check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), "ask for collective transfers");
  return transfer;
}

}  // namespace convoy::h5
