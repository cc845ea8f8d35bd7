// Helpers for the end-to-end tests: run the built convoy (alone or under mpiexec) and capture what a
// user would see, in a fresh temporary directory that is removed afterwards.
#pragma once

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace convoy::e2e {

struct CommandResult {
  int exitStatus = -1;  // the exit status, or 128 + signal if the command was killed
  bool timedOut = false;
  std::string out;
  std::string err;
  std::string all() const { return out + err; }  // where a message appears is not part of the contract
  std::string describe() const;                  // for assertion messages
};

// Runs `argv` (argv[0] is a path or a name on PATH) in `workingDirectory`, capturing stdout and stderr.
// A command still running after `timeout` is killed with its whole process group (timedOut is set).
CommandResult runCommand(const std::vector<std::string>& argv, const std::filesystem::path& workingDirectory,
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// The argv of the built convoy with `arguments`, alone or under mpiexec with `ranks` ranks.
std::vector<std::string> convoyCommand(const std::vector<std::string>& arguments);
std::vector<std::string> mpiConvoyCommand(int ranks, const std::vector<std::string>& arguments);

// The source tree (for input/*.yaml).
std::filesystem::path sourceDirectory();

// A fresh, empty directory under the system's temporary directory, removed with everything in it
// when this object goes.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void writeFile(const std::filesystem::path& path, const std::string& text);
std::string readFile(const std::filesystem::path& path);
// Paths (relative to `directory`) of everything below it, files and directories.
std::set<std::string> listTree(const std::filesystem::path& directory);
std::size_t countOccurrences(const std::string& text, const std::string& fragment);
// The lines of `text` that contain `fragment`, each with what precedes the fragment removed (so
// that timestamps do not matter).
std::vector<std::string> linesFrom(const std::string& text, const std::string& fragment);

}  // namespace convoy::e2e
