#include "convoy/h5/collective_file.hpp"

#include <array>
#include <bit>
#include <climits>

#include "convoy/h5/dataset.hpp"
#include "convoy/h5/types.hpp"

namespace convoy::h5 {
namespace {

static_assert(std::endian::native == std::endian::little,
              "state files hold little-endian words, written from memory as they are");

// MPI_Info owned for the length of one open call.
class Info {
 public:
  explicit Info(const std::map<std::string, std::string>& hints) {
    MPI_Info_create(&info_);
    for (const auto& [key, value] : hints) MPI_Info_set(info_, key.c_str(), value.c_str());
  }
  ~Info() { MPI_Info_free(&info_); }
  Info(const Info&) = delete;
  Info& operator=(const Info&) = delete;
  MPI_Info get() const { return info_; }

 private:
  MPI_Info info_ = MPI_INFO_NULL;
};

std::string mpiReason(int status) {
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(status, text.data(), &length);
  return std::string(text.data(), static_cast<std::size_t>(length));
}

void checkIo(int status, const std::string& what) {
  if (status != MPI_SUCCESS) throw Error("cannot " + what + ": " + mpiReason(status));
}

int wordsCount(std::size_t words) {
  if (words > static_cast<std::size_t>(INT_MAX)) throw Error("an MPI-IO transfer of more than 2^31 words");
  return static_cast<int>(words);
}

std::uint64_t placeholder = 0;  // MPI wants a buffer even for nothing

}  // namespace

CollectiveFile::CollectiveFile(const Comm& comm, const std::string& path, Access access, const Settings& settings)
    : path_(path) {
  const Info hints(settings.mpiHints);
  const int mode = access == Access::ReadOnly ? MPI_MODE_RDONLY : MPI_MODE_WRONLY;
  checkIo(MPI_File_open(comm.raw(), path.c_str(), mode, hints.get(), &file_), "open " + path);
  MPI_File_set_errhandler(file_, MPI_ERRORS_RETURN);
}

CollectiveFile::~CollectiveFile() {
  if (file_ != MPI_FILE_NULL) MPI_File_close(&file_);
}

void CollectiveFile::writeAt(std::uint64_t offset, std::span<const std::uint64_t> words) {
  checkIo(MPI_File_write_at_all(file_, static_cast<MPI_Offset>(offset), words.empty() ? &placeholder : words.data(),
                                wordsCount(words.size()), MPI_UINT64_T, MPI_STATUS_IGNORE),
          "write " + path_);
}

void CollectiveFile::readAt(std::uint64_t offset, std::span<std::uint64_t> words) {
  MPI_Status status{};
  checkIo(MPI_File_read_at_all(file_, static_cast<MPI_Offset>(offset), words.empty() ? &placeholder : words.data(),
                               wordsCount(words.size()), MPI_UINT64_T, &status),
          "read " + path_);
  // A read of nothing may leave the status unset (OpenMPI does): only a read of something has a count.
  if (words.empty()) return;
  int read = 0;
  MPI_Get_count(&status, MPI_UINT64_T, &read);
  if (read == MPI_UNDEFINED || static_cast<std::size_t>(read) != words.size()) {
    throw Error("cannot read " + path_ + ": it ends before its data does (truncated?)");
  }
}

void CollectiveFile::sync() { checkIo(MPI_File_sync(file_), "flush " + path_ + " to the disk"); }

void CollectiveFile::close() {
  if (file_ == MPI_FILE_NULL) return;
  checkIo(MPI_File_close(&file_), "close " + path_);
  file_ = MPI_FILE_NULL;
}

ContiguousData contiguousData(const Dataset& dataset, const std::string& what) {
  const Storage storage = storageOf(dataset);
  const TypeInfo type = typeOf(dataset);
  const std::vector<std::uint64_t> shape = extent(dataset);
  if (storage.layout != Storage::Layout::Contiguous || !storage.filters.empty() || storage.externalFiles > 0 ||
      type.kind != TypeClass::Integer || type.bytes != 8 || shape.size() != 1) {
    throw Error(what + " is not a contiguous array of 64-bit words, as convoy writes it");
  }
  const haddr_t offset = H5Dget_offset(dataset.get());
  if (shape[0] > 0 && offset == HADDR_UNDEF) throw Error(what + " has no storage in the file");
  return {shape[0] > 0 ? static_cast<std::uint64_t>(offset) : 0, shape[0]};
}

}  // namespace convoy::h5
