// The one project header that includes <mpi.h>. Only the road's halo exchange, the reductions here
// and the h5 layer use MPI; modules receive a Comm and never reach for MPI_COMM_WORLD themselves, so
// tests can build one over a sub-communicator.
#pragma once

#include <mpi.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace convoy {

// Throws RuntimeError naming the call, the source position and MPI's own explanation.
void checkMpi(int status, const char* call, const char* file, int line);
#define CONVOY_MPI_CHECK(call) ::convoy::checkMpi((call), #call, __FILE__, __LINE__)

// Ends every process of the job from any thread (the I/O watchdog's), with `exitCode`.
[[noreturn]] void abortJob(int exitCode);

// MPI_Init / MPI_Finalize for the lifetime of main.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

// A halo exchange in flight (Comm::startExchange): the buffers it was given must stay alive and
// untouched until wait() returns. The destructor of one not waited for (an exception in between)
// cancels its receives and waits, so no request outlives its buffers.
class PendingExchange {
 public:
  PendingExchange() = default;
  PendingExchange(const PendingExchange&) = delete;
  PendingExchange& operator=(const PendingExchange&) = delete;
  PendingExchange(PendingExchange&& other) noexcept;
  PendingExchange& operator=(PendingExchange&& other) = delete;
  ~PendingExchange();
  void wait();

 private:
  friend class Comm;
  std::array<MPI_Request, 4> requests_{MPI_REQUEST_NULL, MPI_REQUEST_NULL, MPI_REQUEST_NULL, MPI_REQUEST_NULL};
};

class Comm {
 public:
  // Wraps (does not own) a communicator and makes its errors return, so they become exceptions.
  explicit Comm(MPI_Comm comm);
  static Comm world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool isRoot() const { return rank_ == 0; }
  // How many ranks of this communicator share this rank's node (its memory).
  int ranksOnThisNode() const;
  MPI_Comm raw() const { return comm_; }

  // Element-wise sums over all ranks, in place. Unsigned sums wrap modulo 2^64 (digests rely on it).
  void sumInPlace(std::span<std::int64_t> values) const;
  void sumInPlace(std::span<std::uint64_t> values) const;
  std::int64_t sum(std::int64_t value) const;
  std::uint64_t max(std::uint64_t value) const;
  // Rank 0 receives every rank's bytes, in rank order (elsewhere the result is empty). For modest
  // amounts (a space-time window): the total must stay below 2 GiB.
  std::vector<std::vector<std::uint8_t>> gatherToRoot(std::span<const std::uint8_t> mine) const;
  // Rank `root`'s value, on every rank: trivially copyable values, text, and vectors of values.
  template <typename T>
  requires std::is_trivially_copyable_v<T> T broadcast(T value, int root = 0)
  const {
    broadcastBytes(&value, sizeof(T), root);
    return value;
  }
  std::string broadcast(const std::string& text, int root = 0) const;
  template <typename T>
  requires std::is_trivially_copyable_v<T> std::vector<T> broadcast(std::vector<T> values, int root = 0)
  const {
    values.resize(broadcast<std::uint64_t>(values.size(), root));
    broadcastBytes(values.data(), values.size() * sizeof(T), root);
    return values;
  }
  void barrier() const;
  // Ends every process of the job; for failures that not all ranks share (they would otherwise hang).
  [[noreturn]] void abort(int exitCode) const;

  // Runs `work` on rank 0 only. If it throws InputError or RuntimeError, every rank throws the same
  // error afterwards, so a problem rank 0 finds (a file it cannot read) ends all ranks cleanly.
  void onRootThenShareErrors(const std::function<void()>& work) const;
  // Runs `work` on every rank, then all agree on the outcome: if it threw InputError or RuntimeError
  // on any rank, every rank throws the error of the lowest such rank (InputError stays InputError),
  // so a section of collective work succeeds everywhere or fails everywhere, with one message. The
  // work may make collective calls only while every rank is still in it (a rank that throws skips
  // the rest of its work, so collective calls that may fail on one rank need a section each).
  void agree(const std::function<void()>& work) const;

  // The halo exchange with the neighbours: sends `toLeft` to rank `left` and `toRight` to rank `right`,
  // and receives what those ranks send this way (`fromLeft` from `left`, `fromRight` from `right`).
  // Posts the receives and sends and returns at once, so that the caller can compute what does not
  // need the halos while the messages travel. A side whose neighbour is kNoNeighbour (the end of an
  // open road) sends nothing and leaves its `from` buffer as it was.
  static constexpr int kNoNeighbour = MPI_PROC_NULL;
  [[nodiscard]] PendingExchange startExchange(int left, int right, std::span<const std::uint64_t> toLeft,
                                              std::span<const std::uint64_t> toRight, std::span<std::uint64_t> fromLeft,
                                              std::span<std::uint64_t> fromRight) const;

 private:
  void broadcastBytes(void* data, std::size_t bytes, int root) const;
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace convoy
