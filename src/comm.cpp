#include "convoy/comm.hpp"

#include <array>
#include <climits>
#include <cstdlib>
#include <optional>
#include <string>

#include "convoy/error.hpp"

namespace convoy {

void checkMpi(int status, const char* call, const char* file, int line) {
  if (status == MPI_SUCCESS) return;
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(status, text.data(), &length);
  throw RuntimeError(std::string("MPI call failed: ") + call + " at " + file + ":" + std::to_string(line) + ": " +
                     std::string(text.data(), static_cast<std::size_t>(length)));
}

MpiSession::MpiSession(int& argc, char**& argv) {
  // Open MPI's MPI-IO (ompio) opens every file with a "shared file pointer" component; its default,
  // sharedfp/sm, takes a POSIX semaphore named after the file's base name only (/dev/shm/
  // sem.OMPIO_<name>), machine-wide. A rank killed while holding it (SIGKILL, scancel, OOM) leaves it
  // taken, and every later open of a file of that name on the machine - the next segment's
  // checkpoint_<step>.h5.tmp - waits forever; two runs writing same-named files at once share it.
  // convoy never uses shared file pointers, so the component is left out unless the user chose
  // otherwise. Other MPI libraries ignore the variable.
  setenv("OMPI_MCA_sharedfp", "^sm", /*overwrite=*/0);
  CONVOY_MPI_CHECK(MPI_Init(&argc, &argv));
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Comm::Comm(MPI_Comm comm) : comm_(comm) {
  CONVOY_MPI_CHECK(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN));
  CONVOY_MPI_CHECK(MPI_Comm_rank(comm_, &rank_));
  CONVOY_MPI_CHECK(MPI_Comm_size(comm_, &size_));
}

Comm Comm::world() { return Comm(MPI_COMM_WORLD); }

namespace {
int countOf(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw RuntimeError("MPI message of " + std::to_string(n) + " elements is too long");
  return static_cast<int>(n);
}
}  // namespace

void Comm::sumInPlace(std::span<std::int64_t> values) const {
  CONVOY_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values.data(), countOf(values.size()), MPI_INT64_T, MPI_SUM, comm_));
}

void Comm::sumInPlace(std::span<std::uint64_t> values) const {
  CONVOY_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values.data(), countOf(values.size()), MPI_UINT64_T, MPI_SUM, comm_));
}

std::int64_t Comm::sum(std::int64_t value) const {
  sumInPlace(std::span<std::int64_t>(&value, 1));
  return value;
}

std::uint64_t Comm::max(std::uint64_t value) const {
  CONVOY_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_MAX, comm_));
  return value;
}

std::vector<std::vector<std::uint8_t>> Comm::gatherToRoot(std::span<const std::uint8_t> mine) const {
  const int count = countOf(mine.size());
  std::vector<int> counts(isRoot() ? static_cast<std::size_t>(size_) : 0);
  CONVOY_MPI_CHECK(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_));
  std::vector<int> displacements(counts.size());
  std::uint64_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    displacements[r] = countOf(total);
    total += static_cast<std::uint64_t>(counts[r]);
  }
  std::vector<std::uint8_t> all(total);
  std::uint8_t placeholder = 0;  // MPI wants a buffer even for nothing
  CONVOY_MPI_CHECK(MPI_Gatherv(mine.empty() ? &placeholder : mine.data(), count, MPI_BYTE,
                               all.empty() ? &placeholder : all.data(), counts.data(), displacements.data(), MPI_BYTE,
                               0, comm_));
  std::vector<std::vector<std::uint8_t>> parts;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    const auto first = all.begin() + displacements[r];
    parts.emplace_back(first, first + counts[r]);
  }
  return parts;
}

std::string Comm::broadcastFromRoot(const std::string& text) const {
  std::uint64_t length = text.size();
  CONVOY_MPI_CHECK(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, comm_));
  std::string received = isRoot() ? text : std::string(length, '\0');
  CONVOY_MPI_CHECK(MPI_Bcast(received.data(), countOf(length), MPI_CHAR, 0, comm_));
  return received;
}

void Comm::barrier() const { CONVOY_MPI_CHECK(MPI_Barrier(comm_)); }

void Comm::abort(int exitCode) const {
  MPI_Abort(comm_, exitCode);
  std::abort();  // MPI_Abort does not return; this keeps [[noreturn]] honest if it ever did
}

void Comm::onRootThenShareErrors(const std::function<void()>& work) const {
  // kind: 0 = fine, 1 = input error, 2 = runtime error
  std::string kind = "0";
  std::string message;
  if (isRoot()) {
    try {
      work();
    } catch (const InputError& error) {
      kind = "1";
      message = error.what();
    } catch (const RuntimeError& error) {
      kind = "2";
      message = error.what();
    }
  }
  const std::string shared = broadcastFromRoot(kind + message);
  if (shared[0] == '1') {
    if (isRoot()) throw InputError(message);
    throw InputError(shared.substr(1));
  }
  if (shared[0] == '2') throw RuntimeError(shared.substr(1), ErrorScope::AllRanks);
}

PendingExchange::PendingExchange(PendingExchange&& other) noexcept : requests_(other.requests_) {
  other.requests_.fill(MPI_REQUEST_NULL);
}

PendingExchange::~PendingExchange() {
  if (requests_[0] != MPI_REQUEST_NULL) MPI_Cancel(&requests_[0]);  // the receives; never throws
  if (requests_[1] != MPI_REQUEST_NULL) MPI_Cancel(&requests_[1]);
  MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
}

void PendingExchange::wait() {
  CONVOY_MPI_CHECK(MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE));
}

// Two tags keep the directions apart when left == right (two ranks, or one rank with itself).
constexpr int kRightward = 184;
constexpr int kLeftward = 185;

PendingExchange Comm::startExchange(int left, int right, std::span<const std::uint64_t> toLeft,
                                    std::span<const std::uint64_t> toRight, std::span<std::uint64_t> fromLeft,
                                    std::span<std::uint64_t> fromRight) const {
  PendingExchange pending;
  std::array<MPI_Request, 4>& requests = pending.requests_;
  CONVOY_MPI_CHECK(MPI_Irecv(fromLeft.data(), countOf(fromLeft.size()), MPI_UINT64_T, left, kRightward, comm_,
                             &requests[0]));
  CONVOY_MPI_CHECK(MPI_Irecv(fromRight.data(), countOf(fromRight.size()), MPI_UINT64_T, right, kLeftward, comm_,
                             &requests[1]));
  CONVOY_MPI_CHECK(MPI_Isend(toRight.data(), countOf(toRight.size()), MPI_UINT64_T, right, kRightward, comm_,
                             &requests[2]));
  CONVOY_MPI_CHECK(MPI_Isend(toLeft.data(), countOf(toLeft.size()), MPI_UINT64_T, left, kLeftward, comm_,
                             &requests[3]));
  return pending;
}

void Comm::exchangeWithNeighbours(int left, int right, std::span<const std::uint64_t> toLeft,
                                  std::span<const std::uint64_t> toRight, std::span<std::uint64_t> fromLeft,
                                  std::span<std::uint64_t> fromRight) const {
  CONVOY_MPI_CHECK(MPI_Sendrecv(toRight.data(), countOf(toRight.size()), MPI_UINT64_T, right, kRightward,
                                fromLeft.data(), countOf(fromLeft.size()), MPI_UINT64_T, left, kRightward, comm_,
                                MPI_STATUS_IGNORE));
  CONVOY_MPI_CHECK(MPI_Sendrecv(toLeft.data(), countOf(toLeft.size()), MPI_UINT64_T, left, kLeftward,
                                fromRight.data(), countOf(fromRight.size()), MPI_UINT64_T, right, kLeftward, comm_,
                                MPI_STATUS_IGNORE));
}

}  // namespace convoy
