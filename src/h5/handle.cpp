#include "convoy/h5/handle.hpp"

namespace convoy::h5 {
namespace {

herr_t keepInnermost(unsigned position, const H5E_error2_t* entry, void* reason) {
  // The walk starts at the innermost call (H5E_WALK_UPWARD); its message says most.
  if (position == 0 && entry->desc != nullptr) *static_cast<std::string*>(reason) = entry->desc;
  return 0;
}

}  // namespace

std::string lastErrorReason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keepInnermost, &reason);
  return reason.empty() ? "HDF5 gave no reason" : reason;
}

void silenceErrorStacks() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("cannot " + what + ": " + lastErrorReason());
}

}  // namespace convoy::h5
