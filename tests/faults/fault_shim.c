// An LD_PRELOAD library for the I/O failure tests: on one MPI rank, the calls of one kind on files
// whose path holds a given text fail with a given error, from the Nth such call on, as a full disk,
// an exceeded quota or a dying disk would make them fail. Set by the environment:
//
//   CONVOY_FAULT_OP     create | write | reserve | sync | close | read | rename
//   CONVOY_FAULT_PATH   text the file's path must contain (e.g. "checkpoint_000000008000.h5.tmp")
//   CONVOY_FAULT_RANK   the rank (OMPI_COMM_WORLD_RANK, or 0 without a launcher); all ranks if unset
//   CONVOY_FAULT_AT     the first matching call that fails (1: the first); default 1
//   CONVOY_FAULT_ERRNO  the error, as a number; default ENOSPC (28)
//   CONVOY_FAULT_LOG    a file to which every failure made is appended, one line each, so that a
//                       test can tell that its failure really happened
//   CONVOY_FAULT_HANG   if set, the call never returns instead of failing (a file system that hangs)
//
// create: open/openat/creat with O_CREAT; write: write/pwrite/pwritev/writev; reserve: fallocate and
// posix_fallocate; sync: fsync and fdatasync (as a disk that fails to flush its cache); close: close (the file is
// closed, then the error reported, as NFS does); read: read/pread/preadv; rename: rename/renameat (the old name must
// match).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { kMostFiles = 65536 };

static int gReady = 0;
static int gActive = 0;
static char gOp[32];
static char gPath[1024];
static long gAt = 1;
static int gErrno = ENOSPC;
static atomic_long gCalls;
static unsigned char gWatched[kMostFiles];  // fds whose path matches

static void setUp(void) {
  if (gReady) return;
  gReady = 1;
  const char* op = getenv("CONVOY_FAULT_OP");
  const char* path = getenv("CONVOY_FAULT_PATH");
  if (op == NULL || path == NULL) return;
  const char* rank = getenv("CONVOY_FAULT_RANK");
  const char* me = getenv("OMPI_COMM_WORLD_RANK");
  if (rank != NULL && atoi(rank) != (me != NULL ? atoi(me) : 0)) return;
  snprintf(gOp, sizeof gOp, "%s", op);
  snprintf(gPath, sizeof gPath, "%s", path);
  if (getenv("CONVOY_FAULT_AT") != NULL) gAt = atol(getenv("CONVOY_FAULT_AT"));
  if (getenv("CONVOY_FAULT_ERRNO") != NULL) gErrno = atoi(getenv("CONVOY_FAULT_ERRNO"));
  gActive = 1;
}

static int matches(const char* path) { return path != NULL && strstr(path, gPath) != NULL; }

static int watched(int fd) { return fd >= 0 && fd < kMostFiles && gWatched[fd]; }

// Whether this call (of kind `op`, on a matching file) fails; logs it if so.
static int failing(const char* op, const char* what) {
  setUp();
  if (!gActive || strcmp(op, gOp) != 0) return 0;
  const long call = atomic_fetch_add(&gCalls, 1) + 1;
  if (call < gAt) return 0;
  const char* log = getenv("CONVOY_FAULT_LOG");
  if (log != NULL) {
    FILE* out = fopen(log, "a");
    if (out != NULL) {
      fprintf(out, "rank %s: %s of %s failed with errno %d (call %ld)\n",
              getenv("OMPI_COMM_WORLD_RANK") ? getenv("OMPI_COMM_WORLD_RANK") : "0", op, what, gErrno, call);
      fclose(out);
    }
  }
  if (getenv("CONVOY_FAULT_HANG") != NULL) {
    for (;;) pause();
  }
  return 1;
}

typedef int (*open_fn)(const char*, int, ...);
typedef int (*openat_fn)(int, const char*, int, ...);
typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void*, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec*, int, off_t);
typedef ssize_t (*read_fn)(int, void*, size_t);
typedef ssize_t (*pread_fn)(int, void*, size_t, off_t);
typedef ssize_t (*pread64_fn)(int, void*, size_t, off64_t);
typedef ssize_t (*preadv_fn)(int, const struct iovec*, int, off_t);
typedef int (*fallocate_fn)(int, int, off_t, off_t);
typedef int (*fallocate64_fn)(int, int, off64_t, off64_t);
typedef int (*posix_fallocate_fn)(int, off_t, off_t);
typedef int (*close_fn)(int);
typedef int (*fsync_fn)(int);
typedef int (*rename_fn)(const char*, const char*);
typedef int (*renameat_fn)(int, const char*, int, const char*);

#define REAL(name, type)   \
  static type real = NULL; \
  if (real == NULL) real = (type)dlsym(RTLD_NEXT, name)

static int track(int fd, const char* path) {
  setUp();
  if (fd >= 0 && fd < kMostFiles) gWatched[fd] = (unsigned char)(gActive && matches(path));
  return fd;
}

static int openWith(const char* symbol, int dirfd, const char* path, int flags, mode_t mode, int at) {
  setUp();
  if ((flags & O_CREAT) && gActive && matches(path) && failing("create", path)) {
    errno = gErrno;
    return -1;
  }
  if (at) {
    REAL(symbol, openat_fn);
    return track(real(dirfd, path, flags, mode), path);
  }
  REAL(symbol, open_fn);
  return track(real(path, flags, mode), path);
}

static mode_t modeOf(int flags, va_list arguments) {
  return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(arguments, int) : 0;
}

int open(const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = modeOf(flags, arguments);
  va_end(arguments);
  return openWith("open", 0, path, flags, mode, 0);
}

int open64(const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = modeOf(flags, arguments);
  va_end(arguments);
  return openWith("open64", 0, path, flags, mode, 0);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = modeOf(flags, arguments);
  va_end(arguments);
  return openWith("openat", dirfd, path, flags, mode, 1);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = modeOf(flags, arguments);
  va_end(arguments);
  return openWith("openat64", dirfd, path, flags, mode, 1);
}

int creat(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char* path, mode_t mode) { return open64(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

#define FAIL_IF(op, fd)                    \
  if (watched(fd) && failing(op, gPath)) { \
    errno = gErrno;                        \
    return -1;                             \
  }

ssize_t write(int fd, const void* data, size_t bytes) {
  REAL("write", write_fn);
  FAIL_IF("write", fd);
  return real(fd, data, bytes);
}

ssize_t pwrite(int fd, const void* data, size_t bytes, off_t offset) {
  REAL("pwrite", pwrite_fn);
  FAIL_IF("write", fd);
  return real(fd, data, bytes, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t bytes, off64_t offset) {
  REAL("pwrite64", pwrite64_fn);
  FAIL_IF("write", fd);
  return real(fd, data, bytes, offset);
}

ssize_t writev(int fd, const struct iovec* vectors, int count) {
  REAL("writev", writev_fn);
  FAIL_IF("write", fd);
  return real(fd, vectors, count);
}

ssize_t pwritev(int fd, const struct iovec* vectors, int count, off_t offset) {
  REAL("pwritev", pwritev_fn);
  FAIL_IF("write", fd);
  return real(fd, vectors, count, offset);
}

ssize_t read(int fd, void* data, size_t bytes) {
  REAL("read", read_fn);
  FAIL_IF("read", fd);
  return real(fd, data, bytes);
}

ssize_t pread(int fd, void* data, size_t bytes, off_t offset) {
  REAL("pread", pread_fn);
  FAIL_IF("read", fd);
  return real(fd, data, bytes, offset);
}

ssize_t pread64(int fd, void* data, size_t bytes, off64_t offset) {
  REAL("pread64", pread64_fn);
  FAIL_IF("read", fd);
  return real(fd, data, bytes, offset);
}

ssize_t preadv(int fd, const struct iovec* vectors, int count, off_t offset) {
  REAL("preadv", preadv_fn);
  FAIL_IF("read", fd);
  return real(fd, vectors, count, offset);
}

int fallocate(int fd, int mode, off_t offset, off_t length) {
  REAL("fallocate", fallocate_fn);
  FAIL_IF("reserve", fd);
  return real(fd, mode, offset, length);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t length) {
  REAL("fallocate64", fallocate64_fn);
  FAIL_IF("reserve", fd);
  return real(fd, mode, offset, length);
}

int posix_fallocate(int fd, off_t offset, off_t length) {
  REAL("posix_fallocate", posix_fallocate_fn);
  if (watched(fd) && failing("reserve", gPath)) return gErrno;
  return real(fd, offset, length);
}

int fsync(int fd) {
  REAL("fsync", fsync_fn);
  FAIL_IF("sync", fd);
  return real(fd);
}

int fdatasync(int fd) {
  REAL("fdatasync", fsync_fn);
  FAIL_IF("sync", fd);
  return real(fd);
}

int close(int fd) {
  REAL("close", close_fn);
  const int failed = watched(fd) && failing("close", gPath);
  if (fd >= 0 && fd < kMostFiles) gWatched[fd] = 0;
  const int result = real(fd);
  if (failed) {
    errno = gErrno;
    return -1;
  }
  return result;
}

int rename(const char* from, const char* to) {
  REAL("rename", rename_fn);
  setUp();
  if (gActive && matches(from) && failing("rename", from)) {
    errno = gErrno;
    return -1;
  }
  return real(from, to);
}

int renameat(int fromDir, const char* from, int toDir, const char* to) {
  REAL("renameat", renameat_fn);
  setUp();
  if (gActive && matches(from) && failing("rename", from)) {
    errno = gErrno;
    return -1;
  }
  return real(fromDir, from, toDir, to);
}
