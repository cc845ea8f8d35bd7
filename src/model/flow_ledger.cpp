#include "convoy/model/flow_ledger.hpp"

#include <algorithm>
#include <cassert>

namespace convoy {

double meanVelocity(std::int64_t distance, std::uint64_t cars, std::uint64_t steps) {
  if (cars == 0 || steps == 0) return 0.0;
  return static_cast<double>(distance) / (static_cast<double>(cars) * static_cast<double>(steps));
}

FlowLedger::FlowLedger(std::uint64_t rowEvery, std::size_t detectors, FlowRow openRow)
    : rowEvery_(rowEvery), detectors_(detectors), open_(std::move(openRow)) {
  assert(rowEvery_ >= 1);
  open_.detectorCounts.resize(detectors_, 0);
}

void FlowLedger::begin(std::uint64_t firstStep, std::uint64_t lastStep) {
  assert(firstStep >= 1 && lastStep >= firstStep);
  firstStep_ = firstStep;
  lastStep_ = lastStep;
  const std::uint64_t steps = lastStep - firstStep + 1;
  const std::uint64_t intervals = interval(lastStep) - interval(firstStep) + 1;
  buffer_.assign(steps + intervals * detectors_ + kExtras, 0);
}

std::span<std::int64_t> FlowLedger::detectorCounts(std::uint64_t step) {
  const std::uint64_t steps = lastStep_ - firstStep_ + 1;
  const std::uint64_t slot = steps + (interval(step) - interval(firstStep_)) * detectors_;
  return std::span<std::int64_t>(buffer_).subspan(slot, detectors_);
}

std::span<const std::int64_t> FlowLedger::movesOfBlock() const {
  return std::span<const std::int64_t>(buffer_).first(lastStep_ - firstStep_ + 1);
}

std::vector<FlowRow> FlowLedger::completedRows() {
  std::vector<FlowRow> rows;
  const std::span<const std::int64_t> moves = movesOfBlock();
  for (std::uint64_t step = firstStep_; step <= lastStep_; ++step) {
    if (step == firstStep_ || (step - 1) % rowEvery_ == 0) {  // the first step of this block in an interval
      const std::span<std::int64_t> counts = detectorCounts(step);
      std::transform(counts.begin(), counts.end(), open_.detectorCounts.begin(), open_.detectorCounts.begin(),
                     std::plus<>());
    }
    open_.distance += moves[step - firstStep_];
    open_.steps += 1;
    if (step % rowEvery_ == 0) {
      open_.step = step;
      rows.push_back(open_);
      open_ = FlowRow{};
      open_.detectorCounts.assign(detectors_, 0);
    }
  }
  return rows;
}

}  // namespace convoy
