// Error bars for correlated time series: burn-in detection (MSER), blocking analysis (Flyvbjerg and
// Petersen 1989) and the integrated autocorrelation time with Sokal's automatic window. Pure
// functions over a SeriesSource; no MPI, no HDF5. Methods are documented in docs/analysis.md.
#pragma once

#include <cstdint>
#include <vector>

#include "convoy/analysis/series.hpp"

namespace convoy::analysis {

// MSER (White 1997) on batch means: the burn-in d (a multiple of batchRows) that minimises the
// standard error of the mean of what is left, searched over the first half of the series.
struct BurnIn {
  std::uint64_t rows = 0;       // rows to discard from the start
  std::uint64_t batchRows = 0;  // rows per batch mean the search ran on
  bool settled = true;          // false: the minimum lay at the end of the searched half (no steady state seen)
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
  double variance = 0.0;     // of single rows (1/(n-1) normalisation)
  double naiveError = 0.0;   // sqrt(variance / samples): right only for uncorrelated rows

  // Blocking: the levels, and the plateau chosen by Flyvbjerg and Petersen's criterion (the first
  // level whose error agrees with all later ones within their uncertainties; Wolff's/Jonsson's rule
  // is acceptable if documented).
  std::vector<BlockingLevel> levels;
  double blockingError = 0.0;
  bool blockingConverged = false;  // false: no plateau before the blocks ran out (the error is a lower bound)

  // Integrated autocorrelation time tau = 1/2 + sum_{t=1}^{W} rho(t), with Sokal's window: the smallest
  // W with W >= c tau(W), c = 6. tau is in rows; a white-noise series has tau = 1/2.
  double tauInt = 0.0;
  double tauIntError = 0.0;  // Madras-Sokal: tau sqrt(2 (2W + 1) / n)
  std::uint64_t window = 0;
  bool windowConverged = false;  // false: no W <= n / c met the criterion
  double autocorrelationError = 0.0;  // sqrt(2 tau variance / n)
  double effectiveSamples = 0.0;      // n / (2 tau)

  // The error bar to quote: the blocking error when it converged, else the larger of the two.
  double standardError() const;
};

// Too few rows for any of the above to mean something (error messages name this number).
inline constexpr std::uint64_t kMinimumRows = 32;

// Throws std::invalid_argument naming the problem when fewer than kMinimumRows rows remain after firstRow.
Estimate estimate(const SeriesSource& series, std::uint64_t firstRow);

}  // namespace convoy::analysis
