// Blocking analysis (Flyvbjerg and Petersen 1989), streamed: every level of pairwise block averaging
// keeps running sums, so the series is read once and never held. The plateau is chosen by Jonsson's
// (2018) test on the lag-1 autocovariances of the levels.
#include <algorithm>
#include <cmath>

#include "internal.hpp"

namespace convoy::analysis::detail {

namespace {

// The plateau must be estimated from enough blocks to mean something: with 16 blocks the error bar
// itself is uncertain by 1/sqrt(30), about 18%.
constexpr std::uint64_t kMinimumPlateauBlocks = 16;

// The normal quantile for 0.99: Jonsson's test rejects a level at the 1% significance level.
constexpr double kNormalQuantile99 = 2.3263478740408408;

// The 0.99 quantile of chi-squared with `degrees` degrees of freedom, by the Wilson-Hilferty cube
// approximation (within 1% of the exact value for every degree, which is all a significance
// threshold needs).
double chiSquaredQuantile99(std::size_t degrees) {
  const double k = static_cast<double>(degrees);
  const double spread = std::sqrt(2.0 / (9.0 * k));
  const double root = 1.0 - 2.0 / (9.0 * k) + kNormalQuantile99 * spread;
  return k * root * root * root;
}

double levelMean(const BlockingAnalysis::Level& level) { return level.sum.value() / static_cast<double>(level.count); }

// The 1/n variance of a level's block means. Clamped at 0: rounding can push a zero variance below it.
double levelVariance(const BlockingAnalysis::Level& level) {
  const double count = static_cast<double>(level.count);
  const double sum = level.sum.value();
  return std::max(0.0, (level.sumSquares.value() - sum * sum / count) / count);
}

// Jonsson's gamma(1) = (1/n) sum_{i=1}^{n-1} (y_i - mean)(y_{i+1} - mean), expanded into the running sums.
double levelLagOneCovariance(const BlockingAnalysis::Level& level) {
  const double count = static_cast<double>(level.count);
  const double mean = levelMean(level);
  const double innerSums = 2.0 * level.sum.value() - level.first - level.last;
  return (level.sumLagProducts.value() - mean * innerSums + (count - 1.0) * mean * mean) / count;
}

// The level's term n (gamma(1) / sigma^2)^2 of Jonsson's statistic M. A level without variance shows
// no correlation.
double jonssonTerm(const BlockingAnalysis::Level& level) {
  const double variance = levelVariance(level);
  if (variance == 0.0) return 0.0;
  const double correlation = levelLagOneCovariance(level) / variance;
  return static_cast<double>(level.count) * correlation * correlation;
}

BlockingLevel summarise(const BlockingAnalysis::Level& level, std::uint64_t blockRows) {
  const double blocks = static_cast<double>(level.count);
  // The 1/n variance over n - 1 is the unbiased variance of a block mean over n.
  const double standardError = std::sqrt(levelVariance(level) / (blocks - 1.0));
  return {blockRows, level.count, standardError, standardError / std::sqrt(2.0 * (blocks - 1.0))};
}

// Jonsson's rule: the first level j with M_j = sum_{k>=j} n_k (gamma_k(1) / sigma_k^2)^2 below the 0.99
// quantile of chi-squared with (number of levels - j) degrees of freedom. The deepest level always
// passes (its term is below the threshold for 2 or 3 blocks), so the search always ends.
std::size_t firstUncorrelatedLevel(const std::vector<BlockingAnalysis::Level>& levels, std::size_t used) {
  std::vector<double> tailSums(used + 1, 0.0);
  for (std::size_t k = used; k-- > 0;) tailSums[k] = tailSums[k + 1] + jonssonTerm(levels[k]);
  for (std::size_t j = 0; j < used; ++j) {
    if (tailSums[j] < chiSquaredQuantile99(used - j)) return j;
  }
  return used - 1;
}

}  // namespace

void BlockingAnalysis::Level::record(double value) {
  if (count == 0) {
    first = value;
  } else {
    sumLagProducts.add(last * value);
  }
  sum.add(value);
  sumSquares.add(value * value);
  last = value;
  ++count;
}

void BlockingAnalysis::add(std::span<const double> values) {
  for (const double value : values) add(value);
}

// Each value joins level 0; every second value of a level completes a block whose mean joins the
// level above. On average two levels are touched per value.
void BlockingAnalysis::add(double value) {
  for (std::size_t k = 0;; ++k) {
    if (k == levels_.size()) levels_.emplace_back();
    Level& level = levels_[k];
    level.record(value);
    if (level.count % 2 == 1) {
      level.pending = value;
      return;
    }
    value = 0.5 * (level.pending + value);
  }
}

BlockingResult BlockingAnalysis::finish() const {
  BlockingResult result;
  const Level& rows = levels_.front();
  result.mean = levelMean(rows);
  result.variance = levelVariance(rows) * static_cast<double>(rows.count) / static_cast<double>(rows.count - 1);

  // Levels with a single block have no variance.
  const auto used = static_cast<std::size_t>(
      std::count_if(levels_.begin(), levels_.end(), [](const Level& level) { return level.count >= 2; }));
  for (std::size_t k = 0; k < used; ++k) result.levels.push_back(summarise(levels_[k], std::uint64_t{1} << k));

  const std::size_t uncorrelated = firstUncorrelatedLevel(levels_, used);
  result.converged = result.levels[uncorrelated].blocks >= kMinimumPlateauBlocks;
  if (result.converged) {
    result.plateau = uncorrelated;
  } else {
    // Blocks ran out before the correlation did: the deepest trustworthy level gives a lower bound.
    while (result.plateau + 1 < used && result.levels[result.plateau + 1].blocks >= kMinimumPlateauBlocks) {
      ++result.plateau;
    }
  }
  return result;
}

}  // namespace convoy::analysis::detail
