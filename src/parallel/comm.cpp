#include "convoy/parallel/comm.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <optional>
#include <string>

#include "convoy/core/error.hpp"

namespace convoy {

void checkMpi(int status, const char* call, const char* file, int line) {
  if (status == MPI_SUCCESS) return;
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(status, text.data(), &length);
  throw RuntimeError(std::string("MPI call failed: ") + call + " at " + file + ":" + std::to_string(line) + ": " +
                     std::string(text.data(), static_cast<std::size_t>(length)));
}

void abortJob(int exitCode) {
  // MPI is initialised with MPI_THREAD_FUNNELED; MPI_Abort from another thread is the one call both
  // Open MPI and Cray MPICH take from anywhere. Should it return, the process ends regardless and
  // the launcher ends the others.
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Abort(MPI_COMM_WORLD, exitCode);
  std::_Exit(exitCode);
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
  // Open MPI's own MPI-IO (ompio) lost an ENOSPC inside a collective write in our tests (the call
  // returned success), and its shared-file-pointer components leave lock files beside every file
  // they open (on a full disk, the open itself fails). ROMIO reports write errors and makes no
  // files of its own; Cray MPICH's MPI-IO is ROMIO too, so this is what runs on ARCHER2.
  setenv("OMPI_MCA_io", "romio321", /*overwrite=*/0);
  int provided = 0;
  // One helper thread (the I/O watchdog) exists; only the main thread calls MPI.
  CONVOY_MPI_CHECK(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided));
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

int Comm::ranksOnThisNode() const {
  MPI_Comm node = MPI_COMM_NULL;
  CONVOY_MPI_CHECK(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node));
  int ranks = 1;
  MPI_Comm_size(node, &ranks);
  MPI_Comm_free(&node);
  return ranks;
}

namespace {
int countOf(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw RuntimeError("MPI message of " + std::to_string(n) + " elements is too long");
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

void Comm::broadcastBytes(void* data, std::size_t bytes, int root) const {
  // In pieces that an int count can hold (a long space-time row, a config, a message).
  auto* at = static_cast<char*>(data);
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t piece = std::min<std::size_t>(bytes - done, std::size_t{1} << 30);
    CONVOY_MPI_CHECK(MPI_Bcast(at + done, countOf(piece), MPI_BYTE, root, comm_));
    done += piece;
  }
}

std::string Comm::broadcast(const std::string& text, int root) const {
  std::string received = rank_ == root ? text : std::string();
  received.resize(broadcast<std::uint64_t>(received.size(), root));
  broadcastBytes(received.data(), received.size(), root);
  return received;
}

void Comm::barrier() const { CONVOY_MPI_CHECK(MPI_Barrier(comm_)); }

void Comm::abort(int exitCode) const {
  MPI_Abort(comm_, exitCode);
  std::abort();  // MPI_Abort does not return; this keeps [[noreturn]] honest if it ever did
}

namespace {

// What a rank's part of a shared section ended with.
enum class Outcome : int { Fine = 0, InputFailure = 1, RuntimeFailure = 2 };

struct Caught {
  Outcome outcome = Outcome::Fine;
  std::string message;
  std::vector<std::string> problems;  // an InputError's
};

Caught runCatching(const std::function<void()>& work) {
  Caught caught;
  try {
    work();
  } catch (const InputError& error) {
    caught = {Outcome::InputFailure, error.what(), error.problems()};
  } catch (const RuntimeError& error) {
    caught = {Outcome::RuntimeFailure, error.what(), {}};
  }
  return caught;
}

[[noreturn]] void rethrow(const Caught& caught) {
  if (caught.outcome == Outcome::InputFailure) throw InputError(caught.problems);
  throw RuntimeError(caught.message, ErrorScope::AllRanks);
}

}  // namespace

void Comm::onRootThenShareErrors(const std::function<void()>& work) const {
  Caught caught;
  if (isRoot()) caught = runCatching(work);
  caught.outcome = broadcast(caught.outcome);
  if (caught.outcome == Outcome::Fine) return;
  caught.message = broadcast(caught.message);
  caught.problems.resize(broadcast<std::uint64_t>(caught.problems.size()));
  for (std::string& problem : caught.problems) problem = broadcast(problem);
  rethrow(caught);
}

void Comm::agree(const std::function<void()>& work) const {
  Caught caught = runCatching(work);
  int firstFailing = caught.outcome == Outcome::Fine ? size_ : rank_;
  CONVOY_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &firstFailing, 1, MPI_INT, MPI_MIN, comm_));
  if (firstFailing == size_) return;
  caught.outcome = broadcast(caught.outcome, firstFailing);
  caught.message = broadcast(caught.message, firstFailing);
  caught.problems.resize(broadcast<std::uint64_t>(caught.problems.size(), firstFailing));
  for (std::string& problem : caught.problems) problem = broadcast(problem, firstFailing);
  rethrow(caught);
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
  CONVOY_MPI_CHECK(
      MPI_Irecv(fromLeft.data(), countOf(fromLeft.size()), MPI_UINT64_T, left, kRightward, comm_, &requests[0]));
  CONVOY_MPI_CHECK(
      MPI_Irecv(fromRight.data(), countOf(fromRight.size()), MPI_UINT64_T, right, kLeftward, comm_, &requests[1]));
  CONVOY_MPI_CHECK(
      MPI_Isend(toRight.data(), countOf(toRight.size()), MPI_UINT64_T, right, kRightward, comm_, &requests[2]));
  CONVOY_MPI_CHECK(
      MPI_Isend(toLeft.data(), countOf(toLeft.size()), MPI_UINT64_T, left, kLeftward, comm_, &requests[3]));
  return pending;
}

}  // namespace convoy
