// Building blocks shared by the burn-in detection and the estimate (not installed, not for the tools).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "convoy/analysis/series.hpp"
#include "convoy/analysis/statistics.hpp"

namespace convoy::analysis::detail {

// Neumaier's compensated sum: the streams add up to 10^9 terms, and plain summation would lose digits
// that the mean of a series with tiny fluctuations needs.
class CompensatedSum {
 public:
  // Inline: it runs several times per row.
  void add(double term) {
    const double sum = sum_ + term;
    // The low-order bits lost in the addition, whichever operand was the larger (Neumaier 1974).
    compensation_ += std::fabs(sum_) >= std::fabs(term) ? (sum_ - sum) + term : (term - sum) + sum_;
    sum_ = sum;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

// The rows from firstRow to the end, after checking there are at least kMinimumRows of them
// (std::invalid_argument naming the counts otherwise).
std::uint64_t rowsFrom(const SeriesSource& series, std::uint64_t firstRow);

// Reads rows firstRow .. size-1 in pieces of at most kPieceValues and hands each piece to `consume`
// after subtracting a provisional mean (that of the first piece), so that sums of squares downstream
// do not cancel catastrophically. Returns that shift. Throws std::invalid_argument on a non-finite value.
using PieceConsumer = std::function<void(std::span<const double>)>;
double streamShifted(const SeriesSource& series, std::uint64_t firstRow, const PieceConsumer& consume);

// Means of consecutive blocks of blockRows values; an incomplete last block is dropped.
class BlockMeans {
 public:
  BlockMeans(std::uint64_t blockRows, std::uint64_t expectedValues);
  void add(std::span<const double> values);
  std::vector<double> take() && { return std::move(means_); }

 private:
  std::uint64_t blockRows_;
  std::uint64_t filled_ = 0;
  double partialSum_ = 0.0;
  std::vector<double> means_;
};

// Streaming blocking analysis: sums at every level of pairwise block averaging, O(log2 n) memory.
struct BlockingResult {
  double mean = 0.0;      // of the values added
  double variance = 0.0;  // of single values, 1/(n-1)
  std::vector<BlockingLevel> levels;
  std::size_t plateau = 0;
  bool converged = false;
};

class BlockingAnalysis {
 public:
  void add(std::span<const double> values);
  BlockingResult finish() const;

  // The sums of one level. Public so that the free helpers in blocking.cpp can read them.
  struct Level {
    std::uint64_t count = 0;
    CompensatedSum sum;
    CompensatedSum sumSquares;
    CompensatedSum sumLagProducts;  // sum of y_i y_{i+1}, for Jonsson's test
    double first = 0.0;
    double last = 0.0;
    double pending = 0.0;  // with an odd count: the first half of the next block of the level above
    void record(double value);
  };

 private:
  void add(double value);
  std::vector<Level> levels_;
};

// The smallest power of two b with floor(rows / b) <= memoryRows.
std::uint64_t autocorrelationBlockRows(std::uint64_t rows, std::uint64_t memoryRows);

struct Autocorrelation {
  double tau = 0.5;          // in rows
  double tauError = 0.0;     // in rows
  std::uint64_t window = 0;  // in rows
  bool converged = true;
  std::uint64_t blockRows = 1;
};

// Sokal's integrated autocorrelation time of a series of means of blockRows rows each, converted to
// rows. rowVariance is the (1/n) variance of the single rows; lagWork bounds the multiply-adds of one
// window search (the series is coarsened into pair means when the window needs more).
Autocorrelation integratedAutocorrelation(std::vector<double> means, std::uint64_t blockRows, double rowVariance,
                                          std::uint64_t lagWork);

}  // namespace convoy::analysis::detail
