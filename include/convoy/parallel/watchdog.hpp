// The last defence against a hung file system: a stretch of blocking I/O that makes no progress for
// output.io_timeout_minutes ends the whole job with a message naming it (exit status 1), rather than
// holding every rank until the allocation runs out. A failure that HDF5 or MPI-IO returns is handled
// where it happens (every rank fails together); this is for calls that never return.
#pragma once

#include <string>
#include <vector>

namespace convoy {

// Sets how long a watched section may go without progress (0: never ends the job).
void setIoTimeout(double seconds);

// Watched from construction to destruction. On a timeout the watchdog logs "<what> made no progress
// for N s", removes the files in `debris` (a half-written temporary file) and aborts the job.
class WatchedIo {
 public:
  explicit WatchedIo(std::string what, std::vector<std::string> debris = {});
  ~WatchedIo();
  WatchedIo(const WatchedIo&) = delete;
  WatchedIo& operator=(const WatchedIo&) = delete;
  // Restarts the section's clock (a piece of it was done).
  void progress();

 private:
  std::size_t id_;
};

}  // namespace convoy
