#include "jams.hpp"

#include <algorithm>
#include <bit>
#include <vector>

#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/state_sums.hpp"
#include "convoy_file.hpp"
#include "h5_reading.hpp"
#include "model_parameters.hpp"

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

namespace {

// One jam of `length` stopped cars into the summary.
void addJam(std::uint64_t length, JamSummary& summary) {
  summary.stoppedCars += length;
  summary.jams += 1;
  summary.largestJam = std::max(summary.largestJam, length);
  summary.jamLengths[length] += 1;
}

}  // namespace

std::optional<double> JamSummary::meanJamLength() const {
  if (jams == 0) return std::nullopt;
  return static_cast<double>(stoppedCars) / static_cast<double>(jams);
}

void JamCounter::recordBlock(std::uint64_t occupied, JamSummary& summary) const {
  // A block of k adjacent cars holds k - 1 stopped ones: all but the front car, which can move.
  if (occupied >= 2) addJam(occupied - 1, summary);
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

void StoppedCarCounter::recordRun(std::uint64_t stopped, JamSummary& summary) {
  if (stopped > 0) addJam(stopped, summary);
}

void StoppedCarCounter::endRun() {
  if (!sawMoving_) {
    firstRun_ = currentRun_;  // the run at cell 0 may continue the one at the end of the road
    sawMoving_ = true;
  } else {
    recordRun(currentRun_, inner_);
  }
  currentRun_ = 0;
}

void StoppedCarCounter::addWords(std::span<const std::uint64_t> cars, std::span<const std::uint64_t> stopped) {
  for (std::size_t w = 0; w < cars.size(); ++w) {
    const std::uint64_t valid = std::min<std::uint64_t>(packed::kCellsPerWord, cells_ - std::min(cells_, position_));
    const std::uint64_t mask = valid == packed::kCellsPerWord ? ~std::uint64_t{0} : (std::uint64_t{1} << valid) - 1;
    if (((cars[w] | stopped[w]) & ~mask) != 0) paddingClean_ = false;
    const std::uint64_t occupied = cars[w] & mask;
    std::uint64_t waiting = stopped[w] & occupied;  // stopped cars of the word not yet counted
    cars_ += static_cast<std::uint64_t>(std::popcount(occupied));
    // The moving cars cut the word's cars into runs of stopped ones.
    for (std::uint64_t moving = occupied & ~waiting; moving != 0; moving &= moving - 1) {
      const std::uint64_t below = (std::uint64_t{1} << std::countr_zero(moving)) - 1;  // cells before this moving car
      currentRun_ += static_cast<std::uint64_t>(std::popcount(waiting & below));
      waiting &= ~below;
      endRun();
    }
    currentRun_ += static_cast<std::uint64_t>(std::popcount(waiting));
    position_ += valid;
  }
}

JamSummary StoppedCarCounter::finish() const {
  JamSummary summary = inner_;
  summary.cells = cells_;
  summary.cars = cars_;
  if (!sawMoving_) {
    recordRun(currentRun_, summary);  // no car moves: every car is stopped, one jam of all (none on an empty road)
  } else {
    recordRun(currentRun_ + firstRun_, summary);  // the run ending at cell N-1 goes on into cell 0
  }
  return summary;
}

const char* stoppedRuleText(StoppedRule rule) {
  return rule == StoppedRule::VelocityZero ? "velocity 0" : "cell ahead occupied";
}

namespace {

// 8 MiB read at a time over all the datasets read together: a road of any length in bounded memory.
constexpr std::uint64_t kPieceBytes = std::uint64_t{8} << 20;

constexpr const char* kNaschEncoding = io::format::kPlanesEncodingName;
constexpr std::uint64_t kMaxPlanes = io::format::kMostPlanes;

std::string planeName(std::uint64_t plane) { return io::format::planeDataset(plane); }

h5::Dataset openRoadWords(const ConvoyFile& file, const std::string& name, std::uint64_t words) {
  h5::Dataset dataset = h5::openDataset(file.get(), name, file.path());
  if (h5::extent(dataset) != std::vector<std::uint64_t>{words}) {
    throw InputError(file.path() + ": /" + name + " does not hold " + std::to_string(words) + " words for the file's " +
                     std::to_string(file.cells) + " cells");
  }
  return dataset;
}

// The cars of one word whose bit-sliced velocity exceeds vmax (compared from the top plane down).
std::uint64_t aboveVmax(const std::vector<std::vector<std::uint64_t>>& planes, std::size_t word, std::uint64_t vmax) {
  if ((vmax >> planes.size()) != 0) return 0;  // the planes cannot hold a velocity as large as vmax
  std::uint64_t above = 0;
  std::uint64_t equal = ~std::uint64_t{0};
  for (std::size_t b = planes.size(); b-- > 0;) {
    const std::uint64_t bits = planes[b][word];
    if (((vmax >> b) & 1U) != 0) {
      equal &= bits;
    } else {
      above |= equal & bits;
      equal &= ~bits;
    }
  }
  return above;
}

// Whether the road read agrees with what the file claims: its cars, its padding, its digest (which
// covers its length and its velocity planes too).
void damaged(const std::string& path, std::uint64_t roadCars, const ConvoyFile& file, bool paddingClean,
             const io::StateSums& sums) {
  if (!paddingClean || roadCars != file.cars) {
    throw InputError(path + ": damaged: the road holds " + std::to_string(roadCars) + " cars but the file says " +
                     std::to_string(file.cars) + (paddingClean ? "" : ", and bits past the last cell are set") +
                     " (convoy inspect tells more)");
  }
  const std::uint64_t stored = h5::readAttribute<std::uint64_t>(file.get(), io::format::kDigestAttribute);
  if (sums.digest(file.cells) != stored) {
    throw InputError(path + ": damaged: its road does not match its digest attribute, or its cells attribute (" +
                     std::to_string(file.cells) + ") is not the road's length (convoy inspect tells more)");
  }
}

JamSummary countRule184(const ConvoyFile& file) {
  const std::string& path = file.path();
  const std::uint64_t words = packed::wordsFor(file.cells);
  const h5::Dataset road = openRoadWords(file, "road", words);
  const std::uint64_t pieceWords = kPieceBytes / sizeof(std::uint64_t);
  std::vector<std::uint64_t> piece(std::min(words, pieceWords));
  JamCounter counter(file.cells);
  io::StateSums sums;
  for (std::uint64_t first = 0; first < words; first += pieceWords) {
    const std::span<std::uint64_t> part(piece.data(), std::min(pieceWords, words - first));
    readRows(road, first, part, "/road of " + path);
    counter.addWords(part);
    sums.add(file.cells, first, part, {});
  }
  const JamSummary jams = counter.finish();
  damaged(path, jams.cars, file, counter.paddingClean(), sums);
  return jams;
}

// The planes a NaSch file must have: nasch-bitplanes-v1, 1 .. 8 planes, each in /road's layout.
std::vector<h5::Dataset> openPlanes(const ConvoyFile& file, std::uint64_t words) {
  const std::string& path = file.path();
  const std::string encoding =
      h5::hasAttribute(file.get(), "encoding") ? h5::readAttribute<std::string>(file.get(), "encoding") : std::string();
  if (encoding.rfind(kNaschEncoding, 0) != 0) {
    std::string shown = "missing";
    if (!encoding.empty()) {
      shown = "'";
      shown.append(encoding, 0, 40).append("'");
    }
    throw InputError(path + ": a nasch " + file.kind + ", but its encoding is " + shown +
                     ", not nasch-bitplanes-v1: jams of a nasch road need each car's velocity");
  }
  if (!h5::hasAttribute(file.get(), "velocity_planes")) {
    throw InputError(path + ": a nasch " + file.kind +
                     " without velocity planes (no 'velocity_planes' attribute): jams of a nasch road need each "
                     "car's velocity");
  }
  const std::uint64_t count = h5::readAttribute<std::uint64_t>(file.get(), "velocity_planes");
  if (count == 0 || count > kMaxPlanes) {
    throw InputError(path + ": damaged: velocity_planes = " + std::to_string(count) + " (a nasch road has 1 .. " +
                     std::to_string(kMaxPlanes) + ")");
  }
  std::vector<h5::Dataset> planes;
  for (std::uint64_t b = 0; b < count; ++b) {
    if (!h5::hasDataset(file.get(), planeName(b))) {
      throw InputError(path + ": damaged: velocity_planes = " + std::to_string(count) + " but there is no /" +
                       planeName(b));
    }
    planes.push_back(openRoadWords(file, planeName(b), words));
  }
  return planes;
}

JamSummary countNasch(const ConvoyFile& file) {
  const std::string& path = file.path();
  const std::uint64_t vmax = naschParametersOf(file)->vmax;
  const std::uint64_t words = packed::wordsFor(file.cells);
  const h5::Dataset road = openRoadWords(file, "road", words);
  const std::vector<h5::Dataset> planeSets = openPlanes(file, words);
  const std::uint64_t pieceWords =
      std::max<std::uint64_t>(1, kPieceBytes / sizeof(std::uint64_t) / (1 + planeSets.size()));
  const std::uint64_t size = std::min(words, pieceWords);
  std::vector<std::string> planeWhat;
  for (std::size_t b = 0; b < planeSets.size(); ++b) {
    std::string what = "/velocity/bit_";
    what += std::to_string(b);
    what += " of ";
    what += path;
    planeWhat.push_back(std::move(what));
  }
  std::vector<std::uint64_t> occupancy(size);
  std::vector<std::uint64_t> stopped(size);
  std::vector<std::vector<std::uint64_t>> planes(planeSets.size(), std::vector<std::uint64_t>(size));
  std::uint64_t withoutCar = 0;  // cells with a velocity but no car
  std::uint64_t tooFast = 0;     // cars faster than vmax
  StoppedCarCounter counter(file.cells);
  io::StateSums sums;
  for (std::uint64_t first = 0; first < words; first += pieceWords) {
    const std::uint64_t n = std::min(pieceWords, words - first);
    readRows(road, first, std::span<std::uint64_t>(occupancy.data(), n), "/road of " + path);
    std::vector<std::span<const std::uint64_t>> pieceOfPlanes;
    for (std::size_t b = 0; b < planes.size(); ++b) {
      readRows(planeSets[b], first, std::span<std::uint64_t>(planes[b].data(), n), planeWhat[b]);
      pieceOfPlanes.emplace_back(planes[b].data(), n);
    }
    sums.add(file.cells, first, std::span<const std::uint64_t>(occupancy.data(), n), pieceOfPlanes);
    for (std::uint64_t w = 0; w < n; ++w) {
      std::uint64_t moving = 0;
      for (const auto& plane : planes) moving |= plane[w];
      withoutCar += static_cast<std::uint64_t>(std::popcount(moving & ~occupancy[w]));
      tooFast += static_cast<std::uint64_t>(std::popcount(aboveVmax(planes, w, vmax) & occupancy[w]));
      stopped[w] = occupancy[w] & ~moving;
    }
    counter.addWords(std::span<const std::uint64_t>(occupancy.data(), n),
                     std::span<const std::uint64_t>(stopped.data(), n));
  }
  if (withoutCar > 0 || tooFast > 0) {
    std::string what;
    if (withoutCar > 0) {
      what = std::to_string(withoutCar) + " cell(s) without a car (or past the last cell) have a velocity";
    }
    if (tooFast > 0) {
      what += (what.empty() ? "" : ", and ") + std::to_string(tooFast) +
              " car(s) are faster than model.vmax = " + std::to_string(vmax);
    }
    throw InputError(path + ": damaged: the velocity planes disagree with the road: " + what);
  }
  const JamSummary jams = counter.finish();
  damaged(path, jams.cars, file, counter.paddingClean(), sums);
  return jams;
}

}  // namespace

FileJams countJams(const std::string& path) {
  const ConvoyFile file = openConvoyFile(
      path, {"snapshot", "checkpoint"},
      "jams need a road: give snapshots (snapshots/snapshot_<step>.h5, written with output.snapshot_every) "
      "or checkpoints");
  FileJams result{path, file.kind, 0, {}, file.model, StoppedRule::CellAheadOccupied};
  try {
    result.step = h5::readAttribute<std::uint64_t>(file.get(), "step");
    if (file.model == "rule184") {
      result.jams = countRule184(file);
    } else if (file.model == "nasch") {
      result.rule = StoppedRule::VelocityZero;
      result.jams = countNasch(file);
    } else {
      throw InputError(path + ": a road of model '" + file.model +
                       "', but jams know when a car is stopped only for rule184 and nasch");
    }
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
  return result;
}

}  // namespace convoy::flow
