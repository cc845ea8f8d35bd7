// The per-rank record of flow between two meetings of the ranks: the move count of every step and
// the detector counts of every time-series interval, packed in one buffer so that a single reduction
// sums them all (no collective call per step). After the reduction every rank holds the same global
// counts and turns them into time-series rows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace convoy {

// One row of the time series: the interval (step - steps, step].
struct FlowRow {
  std::uint64_t step = 0;                    // last step of the interval
  std::uint64_t steps = 0;                   // steps in the interval
  std::int64_t distance = 0;                 // cells travelled by all cars
  std::vector<std::int64_t> detectorCounts;  // cars that entered each detector cell
  // The cars on the road, summed over the starts of the interval's steps (cars x steps on a ring),
  // the cars that entered and left the road in it (open roads), and the cars after its last step.
  std::uint64_t carSteps = 0;
  std::int64_t entered = 0;
  std::int64_t left = 0;
  std::uint64_t cars = 0;
};

// Mean velocity over `steps` steps: distance / (cars x steps) (0 on an empty road).
double meanVelocity(std::int64_t distance, std::uint64_t cars, std::uint64_t steps = 1);
// The mean velocity of a row: its distance over its car-steps (0 if no car was on the road).
double meanVelocity(const FlowRow& row);

class FlowLedger {
 public:
  // Values that travel with the reduction besides the counts.
  enum class Extra : std::size_t { Clock = 0, StopVotes = 1, Count = 2 };

  // Rows cover `rowEvery` steps each: (0, E], (E, 2E], ... `openRow` is the interval left open by an
  // earlier run segment (a restart between two row ends). `cars`: the road's cars at the start. An
  // open road (`openRoad`) also counts the cars that enter and leave in every step.
  FlowLedger(std::uint64_t rowEvery, std::size_t detectors, FlowRow openRow = {}, std::uint64_t cars = 0,
             bool openRoad = false);

  // Starts a block of steps firstStep..lastStep (inclusive), all counts zero.
  void begin(std::uint64_t firstStep, std::uint64_t lastStep);
  std::int64_t& moves(std::uint64_t step) { return buffer_[step - firstStep_]; }
  // Open roads: the cars that entered and left in `step` (the ring's counts are always 0).
  std::int64_t& entries(std::uint64_t step) { return buffer_[stepsOfBlock() + (step - firstStep_)]; }
  std::int64_t& exits(std::uint64_t step) { return buffer_[2 * stepsOfBlock() + (step - firstStep_)]; }
  bool openRoad() const { return openRoad_; }
  // The detector counts of the interval that holds `step`, to add to.
  std::span<std::int64_t> detectorCounts(std::uint64_t step);
  std::int64_t& extra(Extra slot) { return buffer_[buffer_.size() - kExtras + static_cast<std::size_t>(slot)]; }
  // Everything above, to be summed over the ranks in place.
  std::span<std::int64_t> buffer() { return buffer_; }

  // After the reduction: the global moves of steps firstStep..lastStep.
  std::span<const std::int64_t> movesOfBlock() const;
  std::uint64_t firstStep() const { return firstStep_; }
  std::uint64_t lastStep() const { return lastStep_; }
  // Rows completed in this block; an interval that the block leaves open is carried to the next one.
  // Also counts the cars through the block (carsBefore, cars).
  std::vector<FlowRow> completedRows();
  // After completedRows: the cars on the road at the start of each step of the block, and now.
  std::span<const std::uint64_t> carsBefore() const { return carsBefore_; }
  std::uint64_t cars() const { return cars_; }
  // The interval still open after the last block (what a checkpoint must keep).
  const FlowRow& openRow() const { return open_; }

 private:
  static constexpr std::size_t kExtras = static_cast<std::size_t>(Extra::Count);
  std::uint64_t interval(std::uint64_t step) const { return (step - 1) / rowEvery_; }
  std::uint64_t stepsOfBlock() const { return lastStep_ - firstStep_ + 1; }
  // The per-step slots of the buffer: moves, and on open roads entries and exits.
  std::uint64_t perStepSlots() const { return openRoad_ ? 3 : 1; }

  std::uint64_t rowEvery_;
  std::size_t detectors_;
  std::uint64_t firstStep_ = 1;
  std::uint64_t lastStep_ = 0;
  bool openRoad_;
  std::uint64_t cars_;
  // [moves per step][entries per step][exits per step][detector counts per interval][extras], the
  // entries and exits on open roads only
  std::vector<std::int64_t> buffer_;
  FlowRow open_;  // the interval still open at the end of the last block
  std::vector<std::uint64_t> carsBefore_;
};

}  // namespace convoy
