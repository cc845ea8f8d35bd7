#include "jams.hpp"

#include <algorithm>
#include <bit>
#include <vector>

#include "convoy/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/packed_road.hpp"
#include "convoy_file.hpp"
#include "h5_reading.hpp"

namespace convoy::flow {

void JamSummary::add(const JamSummary& other) {
  cells += other.cells;
  cars += other.cars;
  stoppedCars += other.stoppedCars;
  jams += other.jams;
  largestJam = std::max(largestJam, other.largestJam);
  for (const auto& [length, count] : other.jamLengths) jamLengths[length] += count;
}

std::optional<double> JamSummary::stoppedFraction() const {
  if (cars == 0) return std::nullopt;
  return static_cast<double>(stoppedCars) / static_cast<double>(cars);
}

std::optional<double> JamSummary::meanJamLength() const {
  if (jams == 0) return std::nullopt;
  return static_cast<double>(stoppedCars) / static_cast<double>(jams);
}

void JamCounter::recordBlock(std::uint64_t occupied, JamSummary& summary) const {
  if (occupied < 2) return;
  const std::uint64_t length = occupied - 1;
  summary.stoppedCars += length;
  summary.jams += 1;
  summary.largestJam = std::max(summary.largestJam, length);
  summary.jamLengths[length] += 1;
}

void JamCounter::endBlock() {
  if (!sawEmpty_) {
    firstRun_ = currentRun_;  // the block at cell 0 may continue the one at the end of the road
    sawEmpty_ = true;
  } else {
    recordBlock(currentRun_, inner_);
  }
  currentRun_ = 0;
}

void JamCounter::addWords(std::span<const std::uint64_t> words) {
  for (std::uint64_t word : words) {
    const std::uint64_t valid = std::min<std::uint64_t>(packed::kCellsPerWord, cells_ - std::min(cells_, position_));
    const std::uint64_t mask = valid == packed::kCellsPerWord ? ~std::uint64_t{0} : (std::uint64_t{1} << valid) - 1;
    if ((word & ~mask) != 0) paddingClean_ = false;
    word &= mask;
    cars_ += static_cast<std::uint64_t>(std::popcount(word));
    // Walk the word run by run: blocks of ones and gaps of zeros.
    std::uint64_t bit = 0;
    while (bit < valid) {
      const std::uint64_t rest = word >> bit;
      if (rest & 1U) {
        const auto ones = std::min<std::uint64_t>(static_cast<std::uint64_t>(std::countr_one(rest)), valid - bit);
        currentRun_ += ones;
        bit += ones;
      } else {
        const auto zeros = std::min<std::uint64_t>(static_cast<std::uint64_t>(std::countr_zero(rest)), valid - bit);
        endBlock();
        bit += zeros;
      }
    }
    position_ += valid;
  }
}

JamSummary JamCounter::finish() const {
  JamSummary summary = inner_;
  summary.cells = cells_;
  summary.cars = cars_;
  if (!sawEmpty_) {
    // No empty cell: a full road is one jam of every car (each waits for the one ahead).
    if (cars_ > 0) {
      summary.stoppedCars += cars_;
      summary.jams += 1;
      summary.largestJam = std::max(summary.largestJam, cars_);
      summary.jamLengths[cars_] += 1;
    }
  } else {
    recordBlock(currentRun_ + firstRun_, summary);  // the block ending at cell N-1 runs on into cell 0
  }
  return summary;
}

FileJams countJams(const std::string& path) {
  const ConvoyFile file = openConvoyFile(
      path, {"snapshot", "checkpoint"},
      "jams need a road: give snapshots (snapshots/snapshot_<step>.h5, written with output.snapshot_every) "
      "or checkpoints");
  FileJams result{path, file.kind, 0, {}};
  try {
    result.step = h5::readUnsignedAttribute(file.get(), "step");
    const h5::Dataset road = h5::openDataset(file.get(), "road", path);
    const std::uint64_t words = packed::wordsFor(file.cells);
    if (h5::extent(road) != std::vector<std::uint64_t>{words}) {
      throw InputError(path + ": /road does not hold " + std::to_string(words) + " words for the file's " +
                       std::to_string(file.cells) + " cells");
    }
    // 8 MiB pieces: a road of any length in bounded memory.
    constexpr std::uint64_t kPieceWords = std::uint64_t{1} << 20;
    std::vector<std::uint64_t> piece(std::min(words, kPieceWords));
    JamCounter counter(file.cells);
    for (std::uint64_t first = 0; first < words; first += kPieceWords) {
      const std::span<std::uint64_t> part(piece.data(), std::min(kPieceWords, words - first));
      readRows(road, first, part, "/road of " + path);
      counter.addWords(part);
    }
    result.jams = counter.finish();
    if (!counter.paddingClean() || result.jams.cars != file.cars) {
      throw InputError(path + ": damaged: the road holds " + std::to_string(result.jams.cars) +
                       " cars but the file says " + std::to_string(file.cars) +
                       (counter.paddingClean() ? "" : ", and bits past the last cell are set") +
                       " (convoy inspect checks the digest too)");
    }
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
  return result;
}

}  // namespace convoy::flow
