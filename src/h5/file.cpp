#include "convoy/h5/file.hpp"

#include <memory>

namespace convoy::h5 {
namespace {

// MPI_Info owned for the length of one open/create call.
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
  // Metadata is read once and broadcast, and written collectively: thousands of ranks do not each
  // read the same superblock, and all ranks hold the same metadata.
  check(H5Pset_all_coll_metadata_ops(access.get(), true), "ask for collective metadata reads for " + path);
  check(H5Pset_coll_metadata_write(access.get(), true), "ask for collective metadata writes for " + path);
  check(H5Pset_alignment(access.get(), settings.alignmentThreshold, settings.alignment),
        "set the alignment for " + path);
  return access;
}

PropertyList serialAccess(const std::string& path) {
  PropertyList access(H5Pcreate(H5P_FILE_ACCESS), "make a file access list for " + path);
  check(H5Pset_file_locking(access.get(), false, true), "turn off file locking for " + path);
  return access;
}

unsigned openFlags(Access access) { return access == Access::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR; }

}  // namespace

OpenFile createCollective(const std::string& path, const Comm& comm, const Settings& settings) {
  const PropertyList access = collectiveAccess(comm, settings, path);
  return {File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "create " + path), path};
}

OpenFile openCollective(const std::string& path, const Comm& comm, const Settings& settings, Access access) {
  const PropertyList list = collectiveAccess(comm, settings, path);
  return {File(H5Fopen(path.c_str(), openFlags(access), list.get()), "open " + path), path};
}

OpenFile createSerial(const std::string& path) {
  const PropertyList access = serialAccess(path);
  return {File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "create " + path), path};
}

OpenFile openSerial(const std::string& path, Access access) {
  const PropertyList list = serialAccess(path);
  return {File(H5Fopen(path.c_str(), openFlags(access), list.get()), "open " + path), path};
}

bool isHdf5File(const std::string& path) { return H5Fis_hdf5(path.c_str()) > 0; }

PropertyList collectiveTransfer() {
  PropertyList transfer(H5Pcreate(H5P_DATASET_XFER), "make a transfer property list");
  check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), "ask for collective transfers");
  return transfer;
}

}  // namespace convoy::h5
