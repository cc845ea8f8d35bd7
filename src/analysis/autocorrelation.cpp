// The integrated autocorrelation time with Sokal's automatic window, by direct sums over lags.
#include <algorithm>
#include <array>
#include <cmath>

#include "internal.hpp"

namespace convoy::analysis::detail {

namespace {

// The work budget never cuts the search below this many lags.
constexpr std::uint64_t kMinimumLagLimit = 64;
// Lags summed per sweep over the series: one sweep per lag would be limited by memory bandwidth.
constexpr std::size_t kLagGroup = 8;

// Subtracts the mean; returns the 1/n variance C(0).
double centre(std::vector<double>& values) {
  double sum = 0.0;
  for (const double value : values) sum += value;
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (double& value : values) {
    value -= mean;
    squares += value * value;
  }
  return squares / static_cast<double>(values.size());
}

// sum_i y_i y_{i+lag} for lag = firstLag .. firstLag + kLagGroup - 1 (lags past the end sum nothing).
std::array<double, kLagGroup> laggedProducts(const std::vector<double>& values, std::size_t firstLag) {
  std::array<double, kLagGroup> sums{};
  const std::size_t size = values.size();
  const std::size_t reach = firstLag + kLagGroup - 1;
  const std::size_t common = size > reach ? size - reach : 0;  // rows where every lag of the group exists
  for (std::size_t i = 0; i < common; ++i) {
    const double value = values[i];
    const double* later = values.data() + i + firstLag;
    for (std::size_t j = 0; j < kLagGroup; ++j) sums[j] += value * later[j];
  }
  for (std::size_t j = 0; j < kLagGroup; ++j) {
    for (std::size_t i = common; i + firstLag + j < size; ++i) sums[j] += values[i] * values[i + firstLag + j];
  }
  return sums;
}

struct Window {
  double tau = 0.5;
  std::uint64_t lags = 0;
  bool converged = true;
};

// Sokal: tau(W) = 1/2 + sum_{t=1}^{W} C(t) / C(0) with C(t) = sum_i y_i y_{i+t} / (n - t); the window is
// the smallest W with W >= c tau(W), searched up to maxLag.
Window sokalWindow(const std::vector<double>& centred, double variance, std::uint64_t maxLag) {
  const double size = static_cast<double>(centred.size());
  double tau = 0.5;
  for (std::uint64_t firstLag = 1; firstLag <= maxLag; firstLag += kLagGroup) {
    const auto sums = laggedProducts(centred, firstLag);
    for (std::uint64_t lag = firstLag; lag < firstLag + kLagGroup && lag <= maxLag; ++lag) {
      tau += sums[lag - firstLag] / ((size - static_cast<double>(lag)) * variance);
      if (static_cast<double>(lag) >= kSokalWindowFactor * tau) return {tau, lag, true};
    }
  }
  return {tau, maxLag, false};
}

// Replaces the series by the means of its pairs (an odd last value is dropped).
void coarsen(std::vector<double>& values) {
  const std::size_t pairs = values.size() / 2;
  for (std::size_t i = 0; i < pairs; ++i) values[i] = 0.5 * (values[2 * i] + values[2 * i + 1]);
  values.resize(pairs);
}

}  // namespace

std::uint64_t autocorrelationBlockRows(std::uint64_t rows, std::uint64_t memoryRows) {
  std::uint64_t blockRows = 1;
  while (rows / blockRows > memoryRows) blockRows *= 2;
  return blockRows;
}

// A series whose window needs more than lagWork multiply-adds (long and strongly correlated) is
// coarsened into pair means, which halves both its length and the lags to sum.
Autocorrelation integratedAutocorrelation(std::vector<double> means, std::uint64_t blockRows, double rowVariance,
                                          std::uint64_t lagWork) {
  // A constant series: tau = 1/2 by convention (it makes every error bar 0 without dividing by 0).
  if (rowVariance == 0.0) return {0.5, 0.0, 0, true, blockRows};
  const double rows = static_cast<double>(means.size() * blockRows);
  double meansVariance = centre(means);
  for (;;) {
    const std::uint64_t size = means.size();
    const auto lengthLimit = static_cast<std::uint64_t>(static_cast<double>(size) / kSokalWindowFactor);
    const std::uint64_t workLimit = std::max(kMinimumLagLimit, lagWork / size);
    const Window window =
        meansVariance > 0.0 ? sokalWindow(means, meansVariance, std::min(lengthLimit, workLimit)) : Window{};
    if (window.converged || lengthLimit <= workLimit) {
      // The variance of the mean is the same whether counted in rows or in block means:
      // 2 tau_rows var_rows / n = 2 tau_blocks var_blocks / (n / b).
      const double tau =
          blockRows == 1 ? window.tau : static_cast<double>(blockRows) * window.tau * meansVariance / rowVariance;
      // Sokal's estimate can reach 0 or below for a strongly anticorrelated series; the floor keeps
      // the error bars finite (at most n^2 effective samples).
      const double flooredTau = std::max(tau, 0.5 / rows);
      const double lags = static_cast<double>(window.lags);
      const double relativeError = std::sqrt(2.0 * (2.0 * lags + 1.0) / static_cast<double>(size));  // Madras-Sokal
      return {flooredTau, flooredTau * relativeError, window.lags * blockRows, window.converged, blockRows};
    }
    coarsen(means);
    blockRows *= 2;
    meansVariance = centre(means);
  }
}

}  // namespace convoy::analysis::detail
