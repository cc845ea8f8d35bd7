#include "convoy_file.hpp"

#include <filesystem>
#include <system_error>

#include "convoy/core/error.hpp"
#include "convoy/h5/attribute.hpp"

namespace fs = std::filesystem;

namespace convoy::flow {

ConvoyFile openConvoyFile(const std::string& path, std::initializer_list<const char*> kinds,
                          const std::string& wanted) {
  std::error_code error;
  if (!fs::exists(path, error)) throw InputError(path + ": no such file");
  if (fs::is_directory(path, error)) throw InputError(path + ": a directory, but " + wanted);
  if (!h5::isHdf5File(path)) throw InputError(path + ": not an HDF5 file, so not convoy output");
  try {
    ConvoyFile opened{h5::openForReading(path), "", "", 0, 0};
    if (!h5::hasAttribute(opened.get(), "kind")) {
      throw InputError(path + ": an HDF5 file, but not one convoy wrote (it has no 'kind' attribute)");
    }
    opened.kind = h5::readAttribute<std::string>(opened.get(), "kind");
    bool accepted = false;
    for (const char* kind : kinds) accepted = accepted || opened.kind == kind;
    if (!accepted) throw InputError(path + ": a convoy " + opened.kind + " file, but " + wanted);
    opened.model = h5::readAttribute<std::string>(opened.get(), "model");
    opened.cells = h5::readAttribute<std::uint64_t>(opened.get(), "cells");
    opened.cars = h5::readAttribute<std::uint64_t>(opened.get(), "cars");
    if (opened.cars > opened.cells) {
      throw InputError(path + ": damaged: it says " + std::to_string(opened.cars) + " cars on " +
                       std::to_string(opened.cells) + " cells");
    }
    return opened;
  } catch (const h5::Error& failure) {
    // A damaged or foreign file is bad input, not a failure of the tool.
    throw InputError(path + ": " + failure.what());
  }
}

std::string timeseriesPathOf(const std::string& runDirectoryOrFile) {
  std::error_code error;
  if (!fs::exists(runDirectoryOrFile, error)) throw InputError(runDirectoryOrFile + ": no such file or directory");
  if (!fs::is_directory(runDirectoryOrFile, error)) return runDirectoryOrFile;
  const fs::path timeseries = fs::path(runDirectoryOrFile) / "timeseries.h5";
  if (!fs::exists(timeseries, error)) {
    throw InputError(runDirectoryOrFile + ": a directory without timeseries.h5, so not a convoy run directory");
  }
  return timeseries.string();
}

}  // namespace convoy::flow
