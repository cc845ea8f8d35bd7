#include "e2e_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace fs = std::filesystem;

namespace convoy::e2e {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

std::vector<std::string> splitWords(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

// Reads whatever is available on `fd` into `sink`; false once the pipe is closed.
bool drain(int fd, std::string& sink) {
  std::array<char, 65536> buffer{};
  const ssize_t count = ::read(fd, buffer.data(), buffer.size());
  if (count > 0) {
    sink.append(buffer.data(), static_cast<std::size_t>(count));
    return true;
  }
  if (count < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  return false;
}

}  // namespace

std::string CommandResult::describe() const {
  std::ostringstream text;
  text << "exit status " << exitStatus << (timedOut ? " (timed out)" : "") << "\n--- stdout ---\n"
       << out << "--- stderr ---\n"
       << err << "--------------";
  return text.str();
}

CommandResult runCommand(const std::vector<std::string>& argv, const fs::path& workingDirectory,
                         std::chrono::seconds timeout) {
  if (argv.empty()) throw std::invalid_argument("runCommand: empty command");
  int outPipe[2];
  int errPipe[2];
  if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0) fail("pipe2");

  std::vector<char*> arguments;
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  const std::string directory = workingDirectory.string();

  const pid_t child = ::fork();
  if (child < 0) fail("fork");
  if (child == 0) {
    // Its own process group, so that a hung mpiexec is killed together with its ranks.
    ::setpgid(0, 0);
    ::dup2(outPipe[1], STDOUT_FILENO);
    ::dup2(errPipe[1], STDERR_FILENO);
    const int devNull = ::open("/dev/null", O_RDONLY);
    if (devNull >= 0) ::dup2(devNull, STDIN_FILENO);
    if (::chdir(directory.c_str()) != 0) ::_exit(126);
    ::execvp(arguments[0], arguments.data());
    const std::string message = std::string("cannot run ") + arguments[0] + ": " + std::strerror(errno) + "\n";
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  ::setpgid(child, child);  // also here, against the race with the child's own call
  ::close(outPipe[1]);
  ::close(errPipe[1]);

  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool outOpen = true;
  bool errOpen = true;
  while (outOpen || errOpen) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timedOut = true;
      ::kill(-child, SIGKILL);
      break;
    }
    std::array<pollfd, 2> fds{pollfd{outOpen ? outPipe[0] : -1, POLLIN, 0},
                              pollfd{errOpen ? errPipe[0] : -1, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) fail("poll");
    if (ready <= 0) continue;
    if (outOpen && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) outOpen = drain(outPipe[0], result.out);
    if (errOpen && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) errOpen = drain(errPipe[0], result.err);
  }
  ::close(outPipe[0]);
  ::close(errPipe[0]);

  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  // Whatever the command left behind in its process group (orphaned ranks) goes too.
  ::kill(-child, SIGKILL);
  if (WIFEXITED(status)) {
    result.exitStatus = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exitStatus = 128 + WTERMSIG(status);
  }
  return result;
}

std::vector<std::string> convoyCommand(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv{CONVOY_BINARY};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return argv;
}

std::vector<std::string> mpiConvoyCommand(int ranks, const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = splitWords(CONVOY_MPIEXEC);
  argv.push_back(CONVOY_MPIEXEC_NUMPROC_FLAG);
  argv.push_back(std::to_string(ranks));
  argv.push_back(CONVOY_BINARY);
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return argv;
}

fs::path sourceDirectory() { return fs::path(CONVOY_SOURCE_DIR); }

TemporaryDirectory::TemporaryDirectory() {
  std::string pattern = (fs::temp_directory_path() / "convoy-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp " + pattern);
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code error;
  fs::remove_all(path_, error);
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

std::string readFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::set<std::string> listTree(const fs::path& directory) {
  std::set<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    paths.insert(fs::relative(entry.path(), directory).string());
  }
  return paths;
}

std::size_t countOccurrences(const std::string& text, const std::string& fragment) {
  std::size_t count = 0;
  for (std::size_t at = text.find(fragment); at != std::string::npos; at = text.find(fragment, at + fragment.size())) {
    ++count;
  }
  return count;
}

std::vector<std::string> linesFrom(const std::string& text, const std::string& fragment) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    const std::size_t at = line.find(fragment);
    if (at != std::string::npos) lines.push_back(line.substr(at));
  }
  return lines;
}

}  // namespace convoy::e2e
