#include "run_statistics.hpp"

#include <stdexcept>

#include "convoy/core/counted.hpp"
#include "convoy/core/error.hpp"
#include "convoy/h5/handle.hpp"
#include "timeseries_source.hpp"

namespace convoy::flow {
namespace {

std::string tooShort(const Timeseries& timeseries, std::uint64_t burnInRows, const std::string& detail) {
  return timeseries.file.path() + " has " + counted(timeseries.rows, "row") + "; the statistics need at least " +
         std::to_string(analysis::kMinimumRows) + " after the burn-in of " + counted(burnInRows, "row") + detail;
}

BurnInResult chooseBurnIn(const Timeseries& timeseries, const analysis::SeriesSource& flow,
                          std::optional<std::uint64_t> burnInSteps) {
  const std::uint64_t rows = timeseries.rows;
  const std::string rowWidth = " (" + counted(timeseries.every, "step") + " per row)";
  BurnInResult result;
  if (rows < analysis::kMinimumRows) {
    const std::uint64_t given = burnInSteps ? (*burnInSteps + timeseries.every - 1) / timeseries.every : 0;
    const std::uint64_t neededSteps = (analysis::kMinimumRows + given) * timeseries.every;
    throw InputError(tooShort(timeseries, given,
                              std::string(rows == 0 ? " (no complete row written yet)" : "") + "; run at least " +
                                  counted(neededSteps, "step") + rowWidth));
  }
  const analysis::BurnIn mser = analysis::detectBurnIn(flow);
  result.mserRows = mser.rows;
  result.settled = mser.settled;
  if (burnInSteps) {
    result.method = BurnInMethod::Given;
    result.rows = (*burnInSteps + timeseries.every - 1) / timeseries.every;
    if (result.rows > rows || rows - result.rows < analysis::kMinimumRows) {
      throw InputError(tooShort(timeseries, result.rows,
                                " (--burn-in " + counted(*burnInSteps, "step") + " at " +
                                    counted(timeseries.every, "step") +
                                    " per row); give a shorter --burn-in or run longer"));
    }
  } else {
    result.method = BurnInMethod::Mser;
    result.rows = mser.rows;
    if (rows - result.rows < analysis::kMinimumRows) {
      throw InputError(
          tooShort(timeseries, result.rows, " (found by MSER); run longer, or give --burn-in STEPS" + rowWidth));
    }
  }
  result.steps = result.rows * timeseries.every;
  return result;
}

void addWarnings(RunStatistics& statistics) {
  const auto notSteady = [&statistics](const std::string& quantity, const std::string& why) {
    statistics.warnings.push_back(statistics.path + ": " + quantity + ": " + why +
                                  "; the series has not reached a steady state; run longer");
    statistics.steady = false;
  };
  if (!statistics.burnIn.settled) {
    notSteady("flow", "MSER's burn-in lies in the second half of the series (no end of the transient seen)");
  }
  for (const auto& quantity : statistics.quantities) {
    const analysis::Estimate& estimate = quantity.estimate;
    // A constant series (rule 184 once settled) has an exact mean: there is nothing to converge.
    if (estimate.variance == 0.0) continue;
    if (!estimate.blockingConverged) {
      notSteady(quantity.name, "the blocking analysis reached no plateau, so its error bar is a lower bound");
    }
    if (!estimate.windowConverged) {
      notSteady(quantity.name, "no autocorrelation window met Sokal's criterion (W >= 3 tau_int)");
    }
  }
}

}  // namespace

const char* methodName(BurnInMethod method) { return method == BurnInMethod::Mser ? "mser" : "given"; }

RunStatistics computeRunStatistics(const std::string& timeseriesPath, std::optional<std::uint64_t> burnInSteps,
                                   const Units& units, Detectors detectors) {
  const Timeseries timeseries = openTimeseries(timeseriesPath);
  RunStatistics statistics;
  statistics.path = timeseriesPath;
  statistics.model = timeseries.file.model;
  statistics.cells = timeseries.file.cells;
  statistics.cars = timeseries.file.cars;
  statistics.density =
      statistics.cells == 0 ? 0.0 : static_cast<double>(statistics.cars) / static_cast<double>(statistics.cells);
  statistics.every = timeseries.every;
  statistics.rows = timeseries.rows;
  statistics.lastStep = timeseries.lastStep;
  const double perHour = 3600.0 / units.stepSeconds;
  try {
    const ColumnSeries flow(timeseries, "flow");
    statistics.burnIn = chooseBurnIn(timeseries, flow, burnInSteps);
    const std::uint64_t first = statistics.burnIn.rows;
    statistics.quantities.push_back(
        {"flow", std::nullopt, "cars/step", "vehicles/h", perHour, analysis::estimate(flow, first)});
    const ColumnSeries velocity(timeseries, "mean_velocity");
    statistics.quantities.push_back({"mean_velocity", std::nullopt, "cells/step", "km/h",
                                     units.cellLengthMetres / units.stepSeconds * 3.6,
                                     analysis::estimate(velocity, first)});
    statistics.openEnds = openEndsOf(timeseries.file);
    if (statistics.openEnds) {
      // An open road's cars come and go: their mean, and the rate at which they leave (the current).
      const ColumnSeries cars(timeseries, "cars");
      statistics.quantities.push_back({"cars", std::nullopt, "cars", "cars", 1.0, analysis::estimate(cars, first)});
      const ColumnSeries exits(timeseries, "left", 1.0 / static_cast<double>(timeseries.every));
      statistics.quantities.push_back(
          {"exit_rate", std::nullopt, "cars/step", "vehicles/h", perHour, analysis::estimate(exits, first)});
      statistics.exactCurrent =
          exactOpenCurrent(statistics.model, naschParametersOf(timeseries.file), *statistics.openEnds);
    }
    if (detectors == Detectors::Include) {
      for (std::uint64_t index = 0; index < timeseries.detectorPositions.size(); ++index) {
        const std::int64_t position = timeseries.detectorPositions[index];
        const DetectorSeries rate(timeseries, index);
        statistics.quantities.push_back({"detector " + std::to_string(position), position, "cars/step", "vehicles/h",
                                         perHour, analysis::estimate(rate, first)});
      }
    }
  } catch (const h5::Error& failure) {
    throw InputError(timeseriesPath + ": " + failure.what());
  } catch (const std::invalid_argument& failure) {
    // The statistics refuse a series they cannot handle; the checks above should have caught it first.
    throw InputError(timeseriesPath + ": " + failure.what());
  }
  addWarnings(statistics);
  return statistics;
}

}  // namespace convoy::flow
