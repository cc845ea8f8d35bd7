#include "convoy/io/spacetime_file.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "convoy/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

// What makes a stored window unusable for continuing, or "" if it is usable.
std::string windowMismatch(hid_t file, const RunIdentity& identity, const SpacetimeWindow& window) {
  if (h5::readTextAttribute(file, "kind") != "spacetime") return "it is not a spacetime file";
  if (h5::readUnsignedAttribute(file, "cells") != identity.cells) return "it is of a road of other length";
  for (const auto& [name, value] : {std::pair{"start", window.start}, {"width", window.width}, {"every", window.every}}) {
    if (h5::readUnsignedAttribute(file, name) != value) return std::string("its ") + name + " differs from the config's";
  }
  return "";
}

// Moves `path` aside to the first free name path.unusable, path.unusable.1, ... and returns it.
fs::path moveAside(const fs::path& path) {
  fs::path aside = path.string() + ".unusable";
  for (int n = 1; fs::exists(aside); ++n) aside = path.string() + ".unusable." + std::to_string(n);
  std::error_code error;
  fs::rename(path, aside, error);
  if (error) throw RuntimeError("cannot move " + path.string() + " aside to " + aside.string() + ": " + error.message());
  return aside;
}

}  // namespace

SpacetimeFile::SpacetimeFile(h5::OpenFile file, std::uint64_t width, std::uint64_t rows, std::int64_t lastStep)
    : file_(std::move(file)), width_(width), rows_(rows), lastStep_(lastStep) {}

SpacetimeFile SpacetimeFile::create(const std::string& path, const RunIdentity& identity,
                                    const SpacetimeWindow& window) {
  h5::OpenFile file = h5::createSerial(path);
  writeIdentity(file.get(), "spacetime", identity);
  h5::writeAttribute(file.get(), "start", window.start);
  h5::writeAttribute(file.get(), "width", window.width);
  h5::writeAttribute(file.get(), "every", window.every);
  h5::createColumn(file.get(), "step", H5T_STD_I64LE);
  h5::createMatrix(file.get(), "occupancy", H5T_STD_U8LE, window.width);
  SpacetimeFile created(std::move(file), window.width, 0, -1);
  created.flush();
  return created;
}

SpacetimeFile SpacetimeFile::continueAt(const std::string& path, const RunIdentity& identity,
                                        const SpacetimeWindow& window, std::uint64_t step) {
  std::string problem;
  if (!fs::exists(path)) {
    problem = "it is missing";
  } else {
    try {
      h5::OpenFile file = h5::openSerial(path, h5::Access::ReadWrite);
      problem = windowMismatch(file.get(), identity, window);
      if (problem.empty()) {
        const h5::Dataset steps = h5::openDataset(file.get(), "step", path);
        const std::uint64_t rows = h5::extent(steps)[0];
        if (h5::extent(h5::openDataset(file.get(), "occupancy", path)) != std::vector<std::uint64_t>{rows, window.width}) {
          throw h5::Error(path + ": /occupancy does not match /step");
        }
        std::vector<std::int64_t> stored(rows);
        if (rows > 0) {
          h5::check(H5Dread(steps.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, stored.data()),
                    "read " + path + " /step");
        }
        // Rows are in step order: keep those of steps up to the checkpoint's.
        const auto kept = static_cast<std::uint64_t>(
            std::upper_bound(stored.begin(), stored.end(), static_cast<std::int64_t>(step)) - stored.begin());
        h5::resizeTable(file.get(), "step", kept);
        h5::resizeTable(file.get(), "occupancy", kept);
        SpacetimeFile continued(std::move(file), window.width, kept, kept > 0 ? stored[kept - 1] : -1);
        continued.flush();
        return continued;
      }
    } catch (const h5::Error& error) {
      problem = error.what();
    }
  }
  if (fs::exists(path)) {
    const fs::path aside = moveAside(path);
    spdlog::warn("cannot continue {} ({}); moved it to {} and began a new one at step {}", path, problem,
                 aside.string(), step);
  } else {
    spdlog::warn("{} is missing; the space-time rows before step {} are lost; beginning a new file", path, step);
  }
  return create(path, identity, window);
}

void SpacetimeFile::append(std::span<const std::int64_t> steps, std::span<const std::uint8_t> occupancy) {
  if (steps.empty()) return;
  if (occupancy.size() != steps.size() * width_) {
    throw RuntimeError(file_.path + ": a space-time row is not " + std::to_string(width_) + " cells wide");
  }
  h5::appendRows(file_.get(), "step", H5T_NATIVE_INT64, steps.size(), steps.data());
  h5::appendRows(file_.get(), "occupancy", H5T_NATIVE_UINT8, steps.size(), occupancy.data());
  rows_ += steps.size();
  lastStep_ = steps.back();
}

void SpacetimeFile::flush() { h5::check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + file_.path); }

void SpacetimeFile::close() {
  flush();
  file_.handle.closeOrThrow("close " + file_.path);
}

}  // namespace convoy::io
