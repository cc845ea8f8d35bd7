// The estimate: one streaming pass feeds the blocking analysis and the series the autocorrelation
// is summed over; both are then reduced to error bars.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "internal.hpp"

namespace convoy::analysis {

namespace {

void fillBlocking(Estimate& result, detail::BlockingResult blocking) {
  result.levels = std::move(blocking.levels);
  result.blockingLevel = blocking.plateau;
  result.blockingError = result.levels[blocking.plateau].standardError;
  result.blockingConverged = blocking.converged;
}

void fillAutocorrelation(Estimate& result, const detail::Autocorrelation& autocorrelation) {
  const double samples = static_cast<double>(result.samples);
  // Sokal's tau counts 1/2 + sum rho; convoy reports 1 + 2 sum rho, the factor by which correlation
  // inflates the variance of the mean (white noise: 1).
  result.tauInt = 2.0 * autocorrelation.tau;
  result.tauIntError = 2.0 * autocorrelation.tauError;
  result.window = autocorrelation.window;
  result.windowConverged = autocorrelation.converged;
  result.autocorrelationBlockRows = autocorrelation.blockRows;
  result.autocorrelationError = std::sqrt(result.tauInt * result.variance / samples);
  result.effectiveSamples = samples / result.tauInt;
}

}  // namespace

double Estimate::standardError() const {
  return blockingConverged ? blockingError : std::max(blockingError, autocorrelationError);
}

Estimate estimate(const SeriesSource& series, std::uint64_t firstRow) {
  return estimate(series, firstRow, EstimateOptions{});
}

Estimate estimate(const SeriesSource& series, std::uint64_t firstRow, const EstimateOptions& options) {
  if (options.autocorrelationMemoryRows < kMinimumRows) {
    throw std::invalid_argument("autocorrelationMemoryRows is " + std::to_string(options.autocorrelationMemoryRows) +
                                "; it must be at least " + std::to_string(kMinimumRows));
  }
  const std::uint64_t rows = detail::rowsFrom(series, firstRow);
  const std::uint64_t blockRows = detail::autocorrelationBlockRows(rows, options.autocorrelationMemoryRows);

  detail::BlockingAnalysis blocking;
  detail::BlockMeans autocorrelationMeans(blockRows, rows);
  const double shift = detail::streamShifted(series, firstRow, [&](std::span<const double> piece) {
    blocking.add(piece);
    autocorrelationMeans.add(piece);
  });

  Estimate result;
  result.firstRow = firstRow;
  result.samples = rows;
  detail::BlockingResult blocked = blocking.finish();
  result.mean = shift + blocked.mean;
  result.variance = blocked.variance;
  result.naiveError = std::sqrt(result.variance / static_cast<double>(rows));
  fillBlocking(result, std::move(blocked));

  const double rowVariance = result.variance * static_cast<double>(rows - 1) / static_cast<double>(rows);
  fillAutocorrelation(result, detail::integratedAutocorrelation(std::move(autocorrelationMeans).take(), blockRows,
                                                                rowVariance, options.autocorrelationLagWork));
  return result;
}

}  // namespace convoy::analysis
