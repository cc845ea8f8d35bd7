#include "convoy/model/flow_ledger.hpp"

#include <algorithm>
#include <cassert>

namespace convoy {

double meanVelocity(std::int64_t distance, std::uint64_t cars, std::uint64_t steps) {
  if (cars == 0 || steps == 0) return 0.0;
  return static_cast<double>(distance) / (static_cast<double>(cars) * static_cast<double>(steps));
}

double meanVelocity(const FlowRow& row) {
  return row.carSteps == 0 ? 0.0 : static_cast<double>(row.distance) / static_cast<double>(row.carSteps);
}

FlowLedger::FlowLedger(std::uint64_t rowEvery, std::size_t detectors, FlowRow openRow, std::uint64_t cars,
                       bool openRoad)
    : rowEvery_(rowEvery), detectors_(detectors), openRoad_(openRoad), cars_(cars), open_(std::move(openRow)) {
  assert(rowEvery_ >= 1);
  open_.detectorCounts.resize(detectors_, 0);
}

void FlowLedger::begin(std::uint64_t firstStep, std::uint64_t lastStep) {
  assert(firstStep >= 1 && lastStep >= firstStep);
  firstStep_ = firstStep;
  lastStep_ = lastStep;
  const std::uint64_t steps = lastStep - firstStep + 1;
  const std::uint64_t intervals = interval(lastStep) - interval(firstStep) + 1;
  buffer_.assign(steps * perStepSlots() + intervals * detectors_ + kExtras, 0);
}

std::span<std::int64_t> FlowLedger::detectorCounts(std::uint64_t step) {
  const std::uint64_t slot = stepsOfBlock() * perStepSlots() + (interval(step) - interval(firstStep_)) * detectors_;
  return std::span<std::int64_t>(buffer_).subspan(slot, detectors_);
}

std::span<const std::int64_t> FlowLedger::movesOfBlock() const {
  return std::span<const std::int64_t>(buffer_).first(stepsOfBlock());
}

std::vector<FlowRow> FlowLedger::completedRows() {
  std::vector<FlowRow> rows;
  const std::span<const std::int64_t> moves = movesOfBlock();
  carsBefore_.clear();
  for (std::uint64_t step = firstStep_; step <= lastStep_; ++step) {
    carsBefore_.push_back(cars_);
    open_.carSteps += cars_;
    if (openRoad_) {
      open_.entered += entries(step);
      open_.left += exits(step);
      cars_ = cars_ + static_cast<std::uint64_t>(entries(step)) - static_cast<std::uint64_t>(exits(step));
    }
    if (step == firstStep_ || (step - 1) % rowEvery_ == 0) {  // the first step of this block in an interval
      const std::span<std::int64_t> counts = detectorCounts(step);
      std::transform(counts.begin(), counts.end(), open_.detectorCounts.begin(), open_.detectorCounts.begin(),
                     std::plus<>());
    }
    open_.distance += moves[step - firstStep_];
    open_.steps += 1;
    if (step % rowEvery_ == 0) {
      open_.step = step;
      open_.cars = cars_;
      rows.push_back(open_);
      open_ = FlowRow{};
      open_.detectorCounts.assign(detectors_, 0);
    }
  }
  return rows;
}

}  // namespace convoy
