// The statistics of one run's time series: burn-in (MSER or given), then the mean of the flow, the
// mean velocity and each detector's flow rate with error bars that account for autocorrelation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convoy/analysis/statistics.hpp"
#include "open_road.hpp"

namespace convoy::flow {

struct Units {
  double cellLengthMetres = 7.5;
  double stepSeconds = 1.0;
};

enum class BurnInMethod { Mser, Given };

struct BurnInResult {
  std::uint64_t rows = 0;
  std::uint64_t steps = 0;  // rows x timeseries_every
  BurnInMethod method = BurnInMethod::Mser;
  bool settled = true;         // MSER saw a steady state (also checked when the burn-in is given)
  std::uint64_t mserRows = 0;  // MSER's own choice, also when the burn-in is given
};

struct QuantityStatistics {
  std::string name;                      // flow, mean_velocity, "detector 500"
  std::optional<std::int64_t> position;  // detectors only
  std::string unit;                      // cars/step, cells/step
  std::string physicalUnit;              // vehicles/h, km/h
  double physicalFactor = 1.0;           // physical value = factor x value
  analysis::Estimate estimate;
};

struct RunStatistics {
  std::string path;  // the timeseries.h5
  std::string model;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  double density = 0.0;  // cars / cells
  std::uint64_t every = 1;
  std::uint64_t rows = 0;
  std::int64_t lastStep = 0;
  BurnInResult burnIn;
  std::vector<QuantityStatistics> quantities;  // flow, mean_velocity, (open roads: cars, exit_rate,) detectors
  std::optional<OpenEnds> openEnds;            // an open road
  std::optional<ExactCurrent> exactCurrent;    // its exact stationary current, where one is known
  std::vector<std::string> warnings;           // for stderr: not settled, no plateau, ...
  bool steady = true;                          // no warning says that the series has not reached a steady state
};

// Which quantities to estimate (the diagram needs no detectors).
enum class Detectors { Include, Skip };

// `burnInSteps`: nullopt for MSER on the flow series; the same rows are dropped from every quantity.
// Throws InputError naming the file when it is not a time series or too short after the burn-in.
RunStatistics computeRunStatistics(const std::string& timeseriesPath, std::optional<std::uint64_t> burnInSteps,
                                   const Units& units, Detectors detectors);

const char* methodName(BurnInMethod method);

}  // namespace convoy::flow
