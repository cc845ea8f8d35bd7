#include "convoy/io/spacetime_file.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

#include "convoy/core/counted.hpp"
#include "convoy/core/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

// Bytes of window read back at a time.
constexpr std::uint64_t kBytesPerPiece = std::uint64_t{1} << 24;

void addRow(Checksum& sum, std::int64_t step, std::span<const std::uint8_t> cells) {
  sum.add(step);
  sum.add(cells);
}

}  // namespace

std::string moveAside(const std::string& path) {
  std::string aside = path + ".unusable";
  for (int n = 1; fs::exists(aside); ++n) aside = path + ".unusable." + std::to_string(n);
  std::error_code error;
  fs::rename(path, aside, error);
  if (error) throw RuntimeError("cannot move " + path + " aside to " + aside + ": " + error.message());
  return aside;
}

std::string spacetimeMismatch(const std::string& path, std::uint64_t cells, const SpacetimeWindow& window) {
  try {
    const h5::ReadFile file = h5::openForReading(path);
    if (!h5::hasAttribute(file, format::kKindAttribute) ||
        h5::readAttribute<std::string>(file, format::kKindAttribute) != format::kSpacetime) {
      return "it is not a convoy spacetime file";
    }
    if (h5::readAttribute<std::uint64_t>(file, format::kCellsAttribute) != cells)
      return "it is of a road of other length";
    for (const auto& [name, value] : {std::pair{format::kWindowStartAttribute, window.start},
                                      {format::kWindowWidthAttribute, window.width},
                                      {format::kWindowEveryAttribute, window.every}}) {
      if (h5::readAttribute<std::uint64_t>(file, name) != value)
        return std::string("its ") + name + " differs from the config's";
    }
  } catch (const std::exception& error) {
    return std::string("it cannot be read: ") + error.what();
  }
  return "";
}

SpacetimeFile::SpacetimeFile(h5::OpenFile file, std::uint64_t width, const VerifiedRows& verified,
                             std::int64_t lastStep)
    : file_(std::move(file)),
      steps_(h5::openDataset(file_, format::kStepDataset, file_.path)),
      occupancy_(h5::openDataset(file_, format::kOccupancyDataset, file_.path)),
      width_(width),
      rows_(verified.rows),
      checksum_(verified.checksum),
      lastStep_(lastStep) {}

SpacetimeFile SpacetimeFile::create(const std::string& path, const RunIdentity& identity,
                                    const SpacetimeWindow& window) {
  h5::OpenFile file = h5::createSeries(path);
  writeIdentity(file, format::kSpacetime, identity);
  h5::writeAttribute(file, format::kWindowStartAttribute, window.start);
  h5::writeAttribute(file, format::kWindowWidthAttribute, window.width);
  h5::writeAttribute(file, format::kWindowEveryAttribute, window.every);
  h5::createColumn<std::int64_t>(file, format::kStepDataset);
  h5::createMatrix<std::uint8_t>(file, format::kOccupancyDataset, window.width);
  h5::startSeriesWriting(file);
  SpacetimeFile created(std::move(file), window.width, {}, -1);
  created.flush();
  return created;
}

SpacetimeFile SpacetimeFile::continueAt(const std::string& path, const SpacetimeWindow& window,
                                        const VerifiedRows& verified, std::int64_t lastStep) {
  h5::OpenFile file = h5::reopenSeries(path);
  for (const char* name : {format::kOccupancyDataset, format::kStepDataset}) {
    h5::resizeRows(h5::openDataset(file, name, path), verified.rows);
  }
  h5::flush(file);
  return SpacetimeFile(std::move(file), window.width, verified, lastStep);
}

void SpacetimeFile::append(std::span<const std::int64_t> steps, std::span<const std::uint8_t> occupancy) {
  if (steps.empty()) return;
  if (occupancy.size() != steps.size() * width_) {
    throw RuntimeError(file_.path + ": a space-time row is not " + std::to_string(width_) + " cells wide");
  }
  Checksum checksum = checksum_;
  for (std::size_t r = 0; r < steps.size(); ++r) addRow(checksum, steps[r], occupancy.subspan(r * width_, width_));
  h5::appendRows<std::uint8_t>(occupancy_, steps.size(), occupancy);
  h5::flush(occupancy_, "/occupancy of " + file_.path);
  h5::appendRows<std::int64_t>(steps_, steps.size(), steps);
  h5::flush(steps_, "/step of " + file_.path);
  h5::flush(file_);
  rows_ += steps.size();
  checksum_ = checksum;
  lastStep_ = steps.back();
}

void SpacetimeFile::flush(h5::Durability durability) { h5::flush(file_, durability); }

void SpacetimeFile::close() {
  steps_ = h5::Dataset();
  occupancy_ = h5::Dataset();
  file_.close();
}

PrefixCheck checkSpacetimePrefixes(const std::string& path, const SpacetimeWindow& window,
                                   std::span<const SeriesMark> marks, std::vector<std::int64_t>& lastSteps) {
  PrefixCheck failed;
  failed.verified.assign(marks.size(), std::nullopt);
  lastSteps.assign(marks.size(), -1);
  std::error_code exists;
  if (!fs::exists(path, exists)) {
    failed.problem = path + " is missing";
    return failed;
  }
  try {
    const h5::ReadFile file = h5::openForReading(path);
    const h5::Dataset steps = h5::openDataset(file, format::kStepDataset, path);
    const h5::Dataset occupancy = h5::openDataset(file, format::kOccupancyDataset, path);
    const std::uint64_t rows = h5::extent(steps)[0];
    const std::vector<std::uint64_t> shape = h5::extent(occupancy);
    if (shape.size() != 2 || shape[1] != window.width || shape[0] < rows) {
      failed.problem = path + ": damaged: /occupancy does not hold the " + counted(rows, "row") + " of /step";
      return failed;
    }
    PrefixChecker checker(path, marks);
    const std::uint64_t rowsPerPiece =
        std::max<std::uint64_t>(1, kBytesPerPiece / std::max<std::uint64_t>(1, window.width));
    std::vector<std::int64_t> stepValues;
    std::vector<std::uint8_t> cells;
    const std::uint64_t readable = std::min(checker.wanted(), rows);
    for (std::uint64_t first = 0; first < readable; first += rowsPerPiece) {
      const std::uint64_t n = std::min(rowsPerPiece, readable - first);
      stepValues.resize(n);
      cells.resize(n * window.width);
      h5::readSlab<std::int64_t>(steps, {first, n}, stepValues);
      const std::array<std::uint64_t, 2> start{first, 0}, count{n, window.width};
      h5::readBlock<std::uint8_t>(occupancy, start, count, cells);
      for (std::uint64_t r = 0; r < n; ++r) {
        addRow(checker.checksum(), stepValues[r],
               std::span<const std::uint8_t>(cells).subspan(r * window.width, window.width));
        checker.rowDone(first + r + 1, stepValues[r]);
      }
    }
    PrefixCheck check = checker.finish(rows);
    lastSteps = checker.lastSteps();
    return check;
  } catch (const std::exception& error) {
    failed.problem = path + " cannot be read: " + error.what();
    return failed;
  }
}

}  // namespace convoy::io
