// Burn-in detection by MSER (White 1997) on batch means, the MSER-5 variant of White, Cobb and Spratt
// (2000): the truncation that minimises the estimated squared standard error of what is left.
#include <algorithm>
#include <utility>

#include "internal.hpp"

namespace convoy::analysis {

namespace {

// MSER-5: batches of 5 rows smooth out single-row noise, which otherwise makes the minimum wander.
constexpr std::uint64_t kMserBatchRows = 5;
// Below this length, 5-row batches would leave fewer than 100 points to search; use single rows.
constexpr std::uint64_t kMserShortSeriesRows = 100 * kMserBatchRows;
// Batch means held in memory at most (8 MiB): longer series get longer batches.
constexpr std::uint64_t kMserMaximumBatches = std::uint64_t{1} << 20;

std::uint64_t mserBatchRows(std::uint64_t rows) {
  if (rows < kMserShortSeriesRows) return 1;
  return std::max(kMserBatchRows, (rows + kMserMaximumBatches - 1) / kMserMaximumBatches);
}

// The search runs past the half on purpose: a minimum beyond k/2 is White's sign that the series has not
// settled, and seeing it needs the statistic there. The last quarter stays out, where MSER(d) is computed
// from so few batches that it can come out small by chance.
std::size_t lastSearchedBatch(std::size_t batches) { return batches - batches / 4; }

// The truncation d in 0 .. lastSearchedBatch (in batches) minimising
// MSER(d) = sum_{j>=d} (Y_j - mean_d)^2 / (k - d)^2, the first one on ties. The sums over suffixes come from
// Welford's update run backwards from the end, which needs no provisional mean and does not cancel.
std::size_t mserTruncation(const std::vector<double>& batchMeans) {
  const std::size_t batches = batchMeans.size();
  const std::size_t lastSearched = lastSearchedBatch(batches);
  double mean = 0.0;
  double squaredDeviations = 0.0;
  double best = 0.0;
  std::size_t bestTruncation = lastSearched;
  for (std::size_t d = batches; d-- > 0;) {
    const double kept = static_cast<double>(batches - d);
    const double delta = batchMeans[d] - mean;
    mean += delta / kept;
    squaredDeviations += delta * (batchMeans[d] - mean);
    if (d > lastSearched) continue;
    const double mser = squaredDeviations / (kept * kept);
    if (d == lastSearched || mser <= best) {
      best = mser;
      bestTruncation = d;
    }
  }
  return bestTruncation;
}

}  // namespace

BurnIn detectBurnIn(const SeriesSource& series) {
  const std::uint64_t rows = detail::rowsFrom(series, 0);
  const std::uint64_t batchRows = mserBatchRows(rows);
  detail::BlockMeans batches(batchRows, rows);
  detail::streamShifted(series, 0, [&batches](std::span<const double> piece) { batches.add(piece); });
  const std::vector<double> batchMeans = std::move(batches).take();

  const std::size_t truncation = mserTruncation(batchMeans);
  // A minimum in the second half means the series was still drifting (White 1997).
  return {truncation * batchRows, batchRows, truncation <= batchMeans.size() / 2};
}

}  // namespace convoy::analysis
