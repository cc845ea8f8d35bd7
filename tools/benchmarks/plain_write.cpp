// convoy-bench-plain-write: what a plain program gets from the page cache, as a baseline beside
// convoy's state-file writes (tools/bench-io runs it). It does what convoy's one rank does around a
// snapshot, and nothing else: it holds the road and a second buffer of the road's size in memory
// (both touched), then writes the road's bytes to a new file in pieces of 32 MiB with pwrite.
//   convoy-bench-plain-write FILE BYTES   prints the seconds of the writes alone
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3 || std::strtoull(argv[2], nullptr, 10) == 0) {
    std::fprintf(stderr, "usage: %s FILE BYTES\n", argv[0]);
    return 2;
  }
  const std::size_t bytes = std::strtoull(argv[2], nullptr, 10);
  constexpr std::size_t kPiece = std::size_t{32} << 20;
  std::vector<unsigned char> road(bytes, 1);  // the road
  std::vector<unsigned char> next(bytes, 2);  // the kernel's second buffer
  const int fd = ::open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t offset = 0; offset < bytes; offset += kPiece) {
    const std::size_t count = bytes - offset < kPiece ? bytes - offset : kPiece;
    if (::pwrite(fd, road.data() + offset, count, static_cast<off_t>(offset)) != static_cast<ssize_t>(count)) {
      std::perror(argv[1]);
      return 1;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (::close(fd) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  std::printf("%.4f\n", seconds);
  return next[bytes - 1] == 2 ? 0 : 1;  // the second buffer, used, so that it is not optimised away
}
