// Jams in a road (a snapshot's or checkpoint's /road, bit-packed). A jam is a maximal run of
// consecutive stopped cars in road order around the ring. Rule 184: a car is stopped when the cell
// ahead holds a car, so a block of k >= 2 occupied cells is a jam of k - 1 cars (its front car can
// move), a full road one jam of all cars. NaSch: a car is stopped when its velocity is 0 (from the
// velocity planes); stopped cars need not be in adjacent cells. Counted in one pass over the words in
// pieces; a run crossing cell N-1 -> 0 is joined with the run at the start of the road.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace convoy::flow {

struct JamSummary {
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::uint64_t stoppedCars = 0;
  std::uint64_t jams = 0;
  std::uint64_t largestJam = 0;
  std::map<std::uint64_t, std::uint64_t> jamLengths;  // length -> count (count > 0)

  void add(const JamSummary& other);              // for totals over files
  std::optional<double> stoppedFraction() const;  // none on an empty road
  std::optional<double> meanJamLength() const;    // none without jams
};

class JamCounter {
 public:
  explicit JamCounter(std::uint64_t cells) : cells_(cells) {}
  // The next words of the road, in order. Bits past the last cell are ignored (see paddingClean).
  void addWords(std::span<const std::uint64_t> words);
  // After all words: the jams, the wrap-around block joined.
  JamSummary finish() const;
  bool paddingClean() const { return paddingClean_; }
  std::uint64_t cellsSeen() const { return position_; }

 private:
  void endBlock();
  void recordBlock(std::uint64_t occupied, JamSummary& summary) const;

  std::uint64_t cells_;
  std::uint64_t position_ = 0;  // cells seen
  std::uint64_t cars_ = 0;
  std::uint64_t currentRun_ = 0;  // occupied cells ending at the current position
  std::uint64_t firstRun_ = 0;    // the block starting at cell 0 (joined with the last at the end)
  bool sawEmpty_ = false;
  bool paddingClean_ = true;
  JamSummary inner_;  // blocks that touch neither end of the road
};

// NaSch (and any road whose stopped cars are given): cars in road order with a stopped flag each.
class StoppedCarCounter {
 public:
  explicit StoppedCarCounter(std::uint64_t cells) : cells_(cells) {}
  // The next words of the road (`cars`) and of its stopped cars (`stopped`, bits only where `cars` has
  // them), in order and of the same length. Bits past the last cell are ignored (see paddingClean).
  void addWords(std::span<const std::uint64_t> cars, std::span<const std::uint64_t> stopped);
  // After all words: the jams, the run crossing cell N-1 -> 0 joined.
  JamSummary finish() const;
  bool paddingClean() const { return paddingClean_; }

 private:
  void endRun();  // at a moving car
  static void recordRun(std::uint64_t stopped, JamSummary& summary);

  std::uint64_t cells_;
  std::uint64_t position_ = 0;
  std::uint64_t cars_ = 0;
  std::uint64_t currentRun_ = 0;  // stopped cars since the last moving car
  std::uint64_t firstRun_ = 0;    // stopped cars before the first moving car (joined with the last run)
  bool sawMoving_ = false;
  bool paddingClean_ = true;
  JamSummary inner_;  // runs between two moving cars
};

// How a file's stopped cars were decided, by its model.
enum class StoppedRule { CellAheadOccupied, VelocityZero };
const char* stoppedRuleText(StoppedRule rule);  // "cell ahead occupied", "velocity 0"

// Reads `path` (a convoy snapshot or checkpoint) in pieces and counts its jams. Throws InputError
// naming the file for anything that is not such a file, or a road that disagrees with its attributes.
struct FileJams {
  std::string path;
  std::string kind;
  std::uint64_t step = 0;
  JamSummary jams;
  std::string model;
  StoppedRule rule = StoppedRule::CellAheadOccupied;
};
// Rule-184 files: /road only. NaSch files (model "nasch"): /road and the velocity planes
// (nasch-bitplanes-v1), refused when the planes are missing or disagree with the road or model.vmax.
FileJams countJams(const std::string& path);

}  // namespace convoy::flow
