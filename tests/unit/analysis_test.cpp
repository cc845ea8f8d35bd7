// Statistics of time series against theory: white noise, AR(1) processes with known autocorrelation,
// transients with known shape. Every expected value below is computed from the process, not from the code.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "convoy/analysis/series.hpp"
#include "convoy/analysis/statistics.hpp"

namespace convoy::analysis {
namespace {

std::vector<double> whiteNoise(std::size_t rows, double sigma, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> values(rows);
  for (double& value : values) value = normal(engine);
  return values;
}

// The stationary variance of x_t = phi x_{t-1} + e_t with unit innovations.
double ar1Variance(double phi) { return 1.0 / (1.0 - phi * phi); }

// x_t = phi x_{t-1} + innovationSigma e_t, started in the stationary distribution (no burn-in needed).
std::vector<double> ar1(std::size_t rows, double phi, double innovationSigma, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values(rows);
  double x = normal(engine) * innovationSigma * std::sqrt(ar1Variance(phi));
  for (double& value : values) {
    value = x;
    x = phi * x + innovationSigma * normal(engine);
  }
  return values;
}

// rho(t) = phi^t, so tau = 1 + 2 sum_{t>=1} phi^t = (1 + phi) / (1 - phi).
double ar1Tau(double phi) { return (1.0 + phi) / (1.0 - phi); }

// Var(mean) -> tau sigma_x^2 / n = sigma_x^2 (1 + phi) / (1 - phi) / n for unit innovations.
double ar1StandardError(double phi, double rows) {
  return std::sqrt(ar1Variance(phi) * (1.0 + phi) / (1.0 - phi) / rows);
}

void expectRelativelyNear(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual / expected, 1.0, tolerance) << what << ": " << actual << " against " << expected;
}

TEST(AnalysisWhiteNoise, ErrorsAreSigmaOverRootN) {
  const std::size_t rows = std::size_t{1} << 20;
  const double sigma = 2.0;
  const Estimate result = estimate(VectorSeries(whiteNoise(rows, sigma, 20240601)), 0);
  const double expectedError = sigma / std::sqrt(static_cast<double>(rows));

  EXPECT_EQ(result.samples, rows);
  EXPECT_NEAR(result.mean, 0.0, 4.0 * expectedError);
  // The sample variance has relative spread sqrt(2 / n) = 0.14%.
  expectRelativelyNear(result.variance, sigma * sigma, 0.01, "variance");
  expectRelativelyNear(result.blockingError, expectedError, 0.10, "blocking error");
  expectRelativelyNear(result.autocorrelationError, expectedError, 0.10, "autocorrelation error");
  EXPECT_NEAR(result.tauInt, 1.0, 0.1);
  EXPECT_TRUE(result.blockingConverged);
  EXPECT_TRUE(result.windowConverged);
  EXPECT_EQ(result.autocorrelationBlockRows, 1u);
  EXPECT_DOUBLE_EQ(result.standardError(), result.blockingError);
}

class AnalysisAr1 : public testing::TestWithParam<double> {};

TEST_P(AnalysisAr1, TauAndErrorsMatchTheory) {
  const double phi = GetParam();
  const std::size_t rows = std::size_t{1} << 22;
  const Estimate result = estimate(VectorSeries(ar1(rows, phi, 1.0, 7 + static_cast<std::uint64_t>(100 * phi))), 0);
  const double exactTau = ar1Tau(phi);
  const double exactError = ar1StandardError(phi, static_cast<double>(rows));

  expectRelativelyNear(result.tauInt, exactTau, 0.10, "tau");
  // The quoted uncertainty of tau is honest: the exact value lies within 4 of them.
  EXPECT_NEAR(result.tauInt, exactTau, 4.0 * result.tauIntError);
  expectRelativelyNear(result.blockingError, exactError, 0.15, "blocking error");
  expectRelativelyNear(result.autocorrelationError, exactError, 0.15, "autocorrelation error");
  expectRelativelyNear(result.variance, ar1Variance(phi), 0.05, "variance");
  EXPECT_NEAR(result.mean, 0.0, 5.0 * exactError);
  EXPECT_TRUE(result.blockingConverged);
  EXPECT_TRUE(result.windowConverged);
  EXPECT_EQ(result.autocorrelationBlockRows, 1u);
}

INSTANTIATE_TEST_SUITE_P(Phi, AnalysisAr1, testing::Values(0.5, 0.9, 0.99));

TEST(AnalysisAr1Blocked, TauFromBlockMeansWhenTheSeriesExceedsTheMemoryBudget) {
  const double phi = 0.99;
  const std::size_t rows = std::size_t{1} << 22;
  EstimateOptions options;
  options.autocorrelationMemoryRows = std::uint64_t{1} << 18;  // forces means of 16 rows (tau ~ 200 >> 16)
  const Estimate result = estimate(VectorSeries(ar1(rows, phi, 1.0, 99)), 0, options);

  EXPECT_EQ(result.autocorrelationBlockRows, 16u);
  expectRelativelyNear(result.tauInt, ar1Tau(phi), 0.10, "tau");
  expectRelativelyNear(result.autocorrelationError, ar1StandardError(phi, static_cast<double>(rows)), 0.15,
                       "autocorrelation error");
  EXPECT_TRUE(result.windowConverged);
  EXPECT_EQ(result.window % 16, 0u);
}

TEST(AnalysisAr1Blocked, PairMeansWhenTheWindowWouldCostTooMuch) {
  const double phi = 0.99;
  const std::size_t rows = std::size_t{1} << 22;
  EstimateOptions options;
  // 2^24 multiply-adds allow the minimum of 64 lags on 2^22 rows; tau ~ 200 needs W ~ 600, so the series
  // is halved until the window of the pair means fits: at 16 rows per mean, tau ~ 12 and W ~ 40.
  options.autocorrelationLagWork = std::uint64_t{1} << 24;
  const Estimate result = estimate(VectorSeries(ar1(rows, phi, 1.0, 99)), 0, options);

  EXPECT_EQ(result.autocorrelationBlockRows, 16u);
  expectRelativelyNear(result.tauInt, ar1Tau(phi), 0.10, "tau");
  expectRelativelyNear(result.autocorrelationError, ar1StandardError(phi, static_cast<double>(rows)), 0.15,
                       "autocorrelation error");
  EXPECT_TRUE(result.windowConverged);
}

// The exact standard error used above is itself checked against the spread of means over independent
// replicas, and so are the per-replica estimates.
TEST(AnalysisAr1Replicas, ExactErrorMatchesSpreadOfReplicaMeans) {
  const double phi = 0.9;
  const std::size_t rows = 4096;
  const int replicas = 1000;
  double sumMeans = 0.0;
  double sumSquaredMeans = 0.0;
  double sumSquaredEstimates = 0.0;
  for (int replica = 0; replica < replicas; ++replica) {
    const Estimate result = estimate(VectorSeries(ar1(rows, phi, 1.0, 1000 + static_cast<std::uint64_t>(replica))), 0);
    sumMeans += result.mean;
    sumSquaredMeans += result.mean * result.mean;
    sumSquaredEstimates += result.autocorrelationError * result.autocorrelationError;
  }
  const double count = static_cast<double>(replicas);
  const double meanOfMeans = sumMeans / count;
  const double spread = std::sqrt((sumSquaredMeans - count * meanOfMeans * meanOfMeans) / (count - 1.0));
  const double exactError = ar1StandardError(phi, static_cast<double>(rows));
  // The spread of 1000 replicas is known to 1/sqrt(2 * 999) = 2.2%; finite n shifts the exact value by 0.2%.
  expectRelativelyNear(spread, exactError, 0.10, "spread of replica means");
  expectRelativelyNear(std::sqrt(sumSquaredEstimates / count), exactError, 0.15, "rms autocorrelation error");
}

// x_t = amplitude exp(-t / decay) + noise. After discarding d rows, the transient biases the mean of
// the n - d rows left by (1 / (n - d)) sum_{t=d}^{n-1} amplitude exp(-t / decay), a geometric sum.
constexpr double kAmplitude = 5.0;
constexpr double kDecay = 200.0;

double transientBias(std::uint64_t discarded, std::uint64_t rows) {
  const double kept = static_cast<double>(rows - discarded);
  const double ratio = std::exp(-1.0 / kDecay);
  return kAmplitude * std::exp(-static_cast<double>(discarded) / kDecay) * (1.0 - std::pow(ratio, kept)) /
         ((1.0 - ratio) * kept);
}

std::vector<double> withTransient(std::vector<double> noise) {
  for (std::size_t t = 0; t < noise.size(); ++t) noise[t] += kAmplitude * std::exp(-static_cast<double>(t) / kDecay);
  return noise;
}

// What MSER promises: the bias left is within the error bar of what is kept. MSER trades bias against
// noise, so at its optimum the bias is of the order of one standard error (about 0.6 of one for unit
// white noise, where the cut falls where the transient reaches the noise of one 5-row batch,
// 5 exp(-d/200) = 1/sqrt(5), d ~ 480); the assertion allows two, a 95% interval still covering the truth.
// It must not throw data away far beyond the transient either: after 6 decay times the transient
// (0.012) is 40 times below the noise of a batch, and nothing there distinguishes it from the steady state.
void expectTransientRemoved(const BurnIn& burnIn, std::uint64_t rows, double standardErrorTimesRootKept) {
  const double standardError = standardErrorTimesRootKept / std::sqrt(static_cast<double>(rows - burnIn.rows));
  EXPECT_TRUE(burnIn.settled);
  EXPECT_EQ(burnIn.batchRows, 5u);
  EXPECT_LE(transientBias(burnIn.rows, rows), 2.0 * standardError) << "burn-in " << burnIn.rows;
  EXPECT_LE(burnIn.rows, static_cast<std::uint64_t>(6 * kDecay));
  EXPECT_LE(burnIn.rows, rows / 2);
}

TEST(AnalysisBurnIn, ExponentialTransientInWhiteNoise) {
  const std::uint64_t rows = 20000;
  const double sigma = 1.0;
  const BurnIn burnIn = detectBurnIn(VectorSeries(withTransient(whiteNoise(rows, sigma, 31))));
  // For this noise the bias criterion alone means d >= 254 rows.
  expectTransientRemoved(burnIn, rows, sigma);
}

TEST(AnalysisBurnIn, ExponentialTransientInCorrelatedNoise) {
  const std::uint64_t rows = 20000;
  const double phi = 0.9;
  // Innovations scaled so that the noise has unit stationary variance, like the white case.
  const double innovationSigma = std::sqrt(1.0 - phi * phi);
  const BurnIn burnIn = detectBurnIn(VectorSeries(withTransient(ar1(rows, phi, innovationSigma, 32))));
  expectTransientRemoved(burnIn, rows, std::sqrt((1.0 + phi) / (1.0 - phi)));
}

TEST(AnalysisBurnIn, LinearRampHasNotSettled) {
  const std::uint64_t rows = 20000;
  std::vector<double> values = whiteNoise(rows, 1.0, 33);
  for (std::size_t t = 0; t < values.size(); ++t) values[t] += 5.0 * static_cast<double>(t) / static_cast<double>(rows);
  const BurnIn burnIn = detectBurnIn(VectorSeries(values));
  EXPECT_FALSE(burnIn.settled);
  EXPECT_GT(burnIn.rows, rows / 2);
}

// Uniform values in [0, 1) from a counter-based generator (splitmix64), so that no row is ever stored.
// It fails the test on any read larger than kPieceValues, and so refuses to be read whole.
class GeneratedSeries final : public SeriesSource {
 public:
  explicit GeneratedSeries(std::uint64_t rows) : rows_(rows) {}
  std::uint64_t size() const override { return rows_; }
  void read(std::uint64_t first, std::span<double> out) const override {
    ++reads_;
    valuesRead_ += out.size();
    if (out.size() > kPieceValues) {
      ADD_FAILURE() << "read of " << out.size() << " values";
      throw std::runtime_error("this series cannot be read whole");
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = uniform(first + i);
  }
  std::uint64_t reads() const { return reads_; }
  std::uint64_t valuesRead() const { return valuesRead_; }

 private:
  static double uniform(std::uint64_t index) {
    std::uint64_t z = index * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
  std::uint64_t rows_;
  mutable std::uint64_t reads_ = 0;
  mutable std::uint64_t valuesRead_ = 0;
};

TEST(AnalysisStreaming, EstimateReadsEachRowOnceInPieces) {
  const std::uint64_t rows = 3 * kPieceValues + 12345;
  const std::uint64_t firstRow = 1000;
  const GeneratedSeries series(rows);
  const Estimate result = estimate(series, firstRow);

  const std::uint64_t used = rows - firstRow;
  EXPECT_EQ(series.valuesRead(), used);
  EXPECT_EQ(series.reads(), (used + kPieceValues - 1) / kPieceValues);
  EXPECT_EQ(result.samples, used);
  // Uniform on [0, 1): mean 1/2, variance 1/12, independent rows.
  const double expectedError = std::sqrt(1.0 / 12.0 / static_cast<double>(used));
  EXPECT_NEAR(result.mean, 0.5, 5.0 * expectedError);
  expectRelativelyNear(result.variance, 1.0 / 12.0, 0.01, "variance");
  expectRelativelyNear(result.blockingError, expectedError, 0.10, "blocking error");
  EXPECT_NEAR(result.tauInt, 1.0, 0.1);
}

TEST(AnalysisStreaming, BurnInReadsEachRowOnceInPieces) {
  const std::uint64_t rows = 3 * kPieceValues + 12345;
  const GeneratedSeries series(rows);
  const BurnIn burnIn = detectBurnIn(series);
  EXPECT_EQ(series.valuesRead(), rows);
  EXPECT_EQ(series.reads(), (rows + kPieceValues - 1) / kPieceValues);
  EXPECT_TRUE(burnIn.settled);
  EXPECT_EQ(burnIn.batchRows, 5u);
}

TEST(AnalysisEdgeCases, ConstantSeriesHasZeroErrorsAndUnitTau) {
  const std::uint64_t rows = 1000;
  const Estimate result = estimate(VectorSeries(std::vector<double>(rows, 0.7)), 0);
  EXPECT_EQ(result.mean, 0.7);
  EXPECT_EQ(result.variance, 0.0);
  EXPECT_EQ(result.naiveError, 0.0);
  EXPECT_EQ(result.blockingError, 0.0);
  EXPECT_EQ(result.autocorrelationError, 0.0);
  EXPECT_EQ(result.tauInt, 1.0);
  EXPECT_EQ(result.tauIntError, 0.0);
  EXPECT_EQ(result.effectiveSamples, static_cast<double>(rows));
  EXPECT_EQ(result.standardError(), 0.0);
  EXPECT_TRUE(result.blockingConverged);
  EXPECT_TRUE(result.windowConverged);
  for (const BlockingLevel& level : result.levels) {
    EXPECT_EQ(level.standardError, 0.0);
    EXPECT_EQ(level.standardErrorError, 0.0);
  }
  const BurnIn burnIn = detectBurnIn(VectorSeries(std::vector<double>(rows, 0.7)));
  EXPECT_EQ(burnIn.rows, 0u);
  EXPECT_TRUE(burnIn.settled);
}

// The message of the exception `call` throws, or "" if it throws none.
template <class Call>
std::string invalidArgumentMessage(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(AnalysisEdgeCases, TooShortSeriesNamesTheRowCounts) {
  const VectorSeries shortSeries(std::vector<double>(20, 1.0));
  const std::string estimateMessage = invalidArgumentMessage([&] { estimate(shortSeries, 0); });
  EXPECT_NE(estimateMessage.find("20"), std::string::npos) << estimateMessage;
  EXPECT_NE(estimateMessage.find("32"), std::string::npos) << estimateMessage;
  const std::string burnInMessage = invalidArgumentMessage([&] { detectBurnIn(shortSeries); });
  EXPECT_NE(burnInMessage.find("20"), std::string::npos) << burnInMessage;
  EXPECT_NE(burnInMessage.find("32"), std::string::npos) << burnInMessage;

  // 100 rows, but only 17 after row 83.
  const VectorSeries series(std::vector<double>(100, 1.0));
  const std::string tailMessage = invalidArgumentMessage([&] { estimate(series, 83); });
  EXPECT_NE(tailMessage.find("17"), std::string::npos) << tailMessage;
  EXPECT_NE(tailMessage.find("32"), std::string::npos) << tailMessage;
}

TEST(AnalysisEdgeCases, FirstRowPastTheEndIsRejected) {
  const VectorSeries series(std::vector<double>(100, 1.0));
  const std::string message = invalidArgumentMessage([&] { estimate(series, 100); });
  EXPECT_NE(message.find("100"), std::string::npos) << message;
  EXPECT_THROW(estimate(series, 1000), std::invalid_argument);
  EXPECT_THROW(estimate(VectorSeries({}), 0), std::invalid_argument);
}

TEST(AnalysisEdgeCases, NonFiniteRowIsNamed) {
  std::vector<double> values(100, 1.0);
  values[57] = std::nan("");
  const std::string message = invalidArgumentMessage([&] { estimate(VectorSeries(values), 0); });
  EXPECT_NE(message.find("57"), std::string::npos) << message;
}

// Values 1/2 + k 2^-30 (fluctuations of ~1e-9) with integer k are exact doubles, so the exact mean and
// variance follow from integer sums. A naive E[x^2] - E[x]^2 would lose everything (the variance is
// 1e-17 of E[x^2]); the mean must come out to the last bit.
TEST(AnalysisEdgeCases, MeanAndVarianceOfTinyFluctuationsToFullPrecision) {
  const std::size_t rows = std::size_t{1} << 21;  // two pieces
  const double quantum = 0x1.0p-30;
  std::mt19937_64 engine(5);
  std::uniform_int_distribution<int> fluctuation(-8, 9);
  std::vector<double> values(rows);
  std::int64_t sumK = 0;
  std::int64_t sumKSquared = 0;
  for (double& value : values) {
    const int k = fluctuation(engine);
    value = 0.5 + k * quantum;
    sumK += k;
    sumKSquared += std::int64_t{k} * k;
  }
  const double n = static_cast<double>(rows);
  const double exactMean = 0.5 + static_cast<double>(sumK) / n * quantum;
  const double exactVariance =
      (static_cast<double>(sumKSquared) - static_cast<double>(sumK) * static_cast<double>(sumK) / n) / (n - 1.0) *
      quantum * quantum;

  const Estimate result = estimate(VectorSeries(values), 0);
  EXPECT_NEAR(result.mean, exactMean, 0x1.0p-53);  // one unit in the last place of 0.5
  expectRelativelyNear(result.variance, exactVariance, 1e-9, "variance");
  EXPECT_NEAR(result.tauInt, 1.0, 0.1);
}

}  // namespace
}  // namespace convoy::analysis
