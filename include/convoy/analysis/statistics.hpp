// Error bars for correlated time series: burn-in detection (MSER), blocking analysis (Flyvbjerg and
// Petersen 1989, plateau chosen by Jonsson's 2018 test) and the integrated autocorrelation time with
// Sokal's automatic window. Pure functions over a SeriesSource; no MPI, no HDF5. Methods are documented in
// docs/statistics.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convoy/analysis/series.hpp"

namespace convoy::analysis {

// MSER (White 1997) on batch means: the burn-in d (a multiple of batchRows) that minimises the
// standard error of the mean of what is left, searched over the first three quarters of the series.
// A minimum in the second half means no steady state was seen.
struct BurnIn {
  std::uint64_t rows = 0;       // rows to discard from the start (the MSER minimum, even when not settled)
  std::uint64_t batchRows = 0;  // rows per batch mean the search ran on
  bool settled = true;          // false: the minimum lay in the second half (no steady state seen)
};
// Throws std::invalid_argument when the series is too short for the search (fewer than kMinimumRows).
BurnIn detectBurnIn(const SeriesSource& series);

// One level of the blocking analysis: the series averaged in blocks of blockRows rows.
struct BlockingLevel {
  std::uint64_t blockRows = 0;
  std::uint64_t blocks = 0;
  double standardError = 0.0;       // of the mean, from the variance of the block means
  double standardErrorError = 0.0;  // its own uncertainty, standardError / sqrt(2 (blocks - 1))
};

// The mean of rows first .. size-1 with error bars that account for autocorrelation.
struct Estimate {
  std::uint64_t firstRow = 0;
  std::uint64_t samples = 0;
  double mean = 0.0;
  double variance = 0.0;    // of single rows (1/(n-1) normalisation)
  double naiveError = 0.0;  // sqrt(variance / samples): right only for uncorrelated rows

  // Blocking: the levels (every level with at least 2 blocks), and the plateau chosen by Jonsson's
  // (2018) test: the first level from which on the block means show no lag-1 correlation at the 1%
  // level. docs/statistics.md gives the details.
  std::vector<BlockingLevel> levels;
  std::size_t blockingLevel = 0;  // index into levels of the level whose error is blockingError
  double blockingError = 0.0;
  bool blockingConverged = false;  // false: no plateau before the blocks ran out (the error is a lower bound)

  // Integrated autocorrelation time tau = 1 + 2 sum_{t=1}^{W} rho(t), in rows: the factor by which
  // correlation inflates the variance of the mean (Var = tau sigma^2 / n). White noise has tau = 1, an
  // AR(1) series (1 + phi) / (1 - phi), a constant series tau = 1 by convention. The window is Sokal's:
  // the smallest W with W >= c tau_S(W), c = 6, in his convention tau_S = tau / 2.
  double tauInt = 0.0;
  double tauIntError = 0.0;           // Madras-Sokal: tau sqrt(2 (2W + 1) / n)
  std::uint64_t window = 0;           // in rows
  bool windowConverged = false;       // false: no W <= n / c met the criterion
  double autocorrelationError = 0.0;  // sqrt(tau variance / n)
  double effectiveSamples = 0.0;      // n / tau
  // 1: rho(t) summed exactly over single rows. b > 1: the series was too long (memory) or too strongly
  // correlated (time) for that, and tau was measured on means of b rows (see docs/statistics.md).
  std::uint64_t autocorrelationBlockRows = 1;

  // The error bar to quote: the blocking error when it converged, else the larger of the two.
  double standardError() const;
};

// Too few rows for any of the above to mean something (error messages name this number).
inline constexpr std::uint64_t kMinimumRows = 32;

// Sokal's window factor c.
inline constexpr double kSokalWindowFactor = 6.0;

// Longest series whose autocorrelation is summed row by row (2^24 rows, 128 MiB of doubles).
inline constexpr std::uint64_t kAutocorrelationMemoryRows = std::uint64_t{1} << 24;
// Multiply-adds one search for Sokal's window may spend (a second or two on one core).
inline constexpr std::uint64_t kAutocorrelationLagWork = std::uint64_t{1} << 32;

struct EstimateOptions {
  // At most this many values are held in memory for the autocorrelation; longer series are averaged
  // in blocks of a power of two rows first.
  std::uint64_t autocorrelationMemoryRows = kAutocorrelationMemoryRows;
  // A window search that would need more multiply-adds (n values times W lags) is redone on the
  // means of pairs, as often as needed.
  std::uint64_t autocorrelationLagWork = kAutocorrelationLagWork;
};

// Throws std::invalid_argument naming the problem when fewer than kMinimumRows rows remain after firstRow.
Estimate estimate(const SeriesSource& series, std::uint64_t firstRow);
Estimate estimate(const SeriesSource& series, std::uint64_t firstRow, const EstimateOptions& options);

}  // namespace convoy::analysis
