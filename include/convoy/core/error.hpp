// The two kinds of failure a user can act on, and the exit codes of docs/cli.md they map to.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace convoy {

enum class ExitCode : int {
  Success = 0,
  RuntimeFailure = 1,  // I/O error, MPI failure
  BadInput = 2,        // config, command line or input file; nothing was written
  StoppedEarly = 75,   // stopped on purpose after a valid checkpoint
};

// Whether every rank raised the same error. An error raised on some ranks only must end the whole
// job (MPI_Abort), or the other ranks would wait forever in their next collective call.
enum class ErrorScope { ThisRank, AllRanks };

// A failed system, MPI or I/O call: exit 1. The message carries the context (file, object, rank).
class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(const std::string& message, ErrorScope scope = ErrorScope::ThisRank)
      : std::runtime_error(message), scope_(scope) {}
  ErrorScope scope() const { return scope_; }

 private:
  ErrorScope scope_;
};

// Bad input from the user: exit 2. Holds every problem found, not just the first. Input is checked
// identically on every rank (or checked on rank 0 and shared), so an InputError is always raised by
// all ranks together.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<std::string> problems);
  explicit InputError(const std::string& problem) : InputError(std::vector<std::string>{problem}) {}
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

}  // namespace convoy
