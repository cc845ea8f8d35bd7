#include "convoy/h5/handle.hpp"

namespace convoy::h5 {
namespace {

herr_t keepInnermost(unsigned position, const H5E_error2_t* entry, void* reason) {
  // The walk starts at the innermost call (H5E_WALK_UPWARD); its message says most.
  if (position == 0 && entry->desc != nullptr) *static_cast<std::string*>(reason) = entry->desc;
  return 0;
}

// HDF5 reports a failed system call as "... errno = 28, error message = 'No space left on device',
// ..."; the system's words are what a user can act on.
std::string systemReason(const std::string& description) {
  const std::string marker = "error message = '";
  const std::size_t start = description.find(marker);
  if (start == std::string::npos) return description;
  const std::size_t end = description.find('\'', start + marker.size());
  const std::string message = description.substr(
      start + marker.size(), end == std::string::npos ? std::string::npos : end - start - marker.size());
  // What HDF5 was doing ("unable to lock file", "file write failed"), then the system's words.
  const std::string doing = description.substr(0, description.find_first_of(":,"));
  return doing.empty() ? message : doing + ": " + message;
}

}  // namespace

std::string lastErrorReason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keepInnermost, &reason);
  return reason.empty() ? "HDF5 gave no reason" : systemReason(reason);
}

void silenceErrorStacks() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
int gFailedCloses = 0;
}  // namespace

void noteFailedClose() { ++gFailedCloses; }

int failedCloses() { return gFailedCloses; }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("cannot " + what + ": " + lastErrorReason());
}

}  // namespace convoy::h5
