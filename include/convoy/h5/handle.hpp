// RAII over the HDF5 C API: one move-only handle template parameterised by its close function
// (Parthenon's shape), one exception type, checks that name the file and the object, and Node, the
// non-owning view of a file, group or dataset through which the rest of convoy reaches HDF5 (no
// hid_t, H5* call or H5T_* constant outside the h5 layer).
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

#include "convoy/core/error.hpp"

namespace convoy::h5 {

// Any failed HDF5 call; the message names what was being done, the file and object, and HDF5's own
// innermost reason (for a failed system call, the system's: "No space left on device").
class Error : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

// HDF5's own explanation of the last failure: the system's error text when a system call failed
// underneath, else the innermost message of HDF5's error stack.
std::string lastErrorReason();
// Stops HDF5 printing its error stacks to stderr; convoy reports failures itself, once.
void silenceErrorStacks();
// Throws Error("cannot <what>: <reason>") when status < 0.
void check(herr_t status, const std::string& what);
// Counts a file that failed to close (see failedCloses in file.hpp).
void noteFailedClose();

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  // Takes ownership of `id`; throws Error("cannot <what>") if the call that made it failed.
  Handle(hid_t id, const std::string& what) : id_(id) {
    if (id_ < 0) throw Error("cannot " + what + ": " + lastErrorReason());
  }
  ~Handle() { close(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now, reporting failure (closing a file flushes it, so this is where a full disk shows).
  void closeOrThrow(const std::string& what) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id < 0) return;
    if (Close(id) < 0) {
      if constexpr (Close == &H5Fclose) noteFailedClose();
      check(-1, what);
    }
  }

 private:
  void close() noexcept {
    // Destructors never throw; a failed close is rare and closeOrThrow is used where it matters.
    if (id_ >= 0 && Close(id_) < 0) {
      if constexpr (Close == &H5Fclose) noteFailedClose();
    }
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Attribute = Handle<&H5Aclose>;
using Datatype = Handle<&H5Tclose>;
using PropertyList = Handle<&H5Pclose>;

// A file, group or dataset that attributes and datasets hang from. It does not own the object: the
// handle it was made from must outlive it.
class Node {
 public:
  template <herr_t (*Close)(hid_t)>
  Node(const Handle<Close>& handle) : id_(handle.get()) {}  // NOLINT(google-explicit-constructor)
  hid_t id() const { return id_; }

 private:
  hid_t id_;
};

}  // namespace convoy::h5
