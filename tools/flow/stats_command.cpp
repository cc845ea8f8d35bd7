// convoy-flow stats: one run's means with error bars (contract: /tmp/contract-flow.md, docs/analysis.md).
#include <cmath>

#include "commands.hpp"
#include "convoy/core/counted.hpp"
#include "convoy_file.hpp"

namespace convoy::flow {
namespace {

void writeJson(const RunStatistics& run, const Units& units, std::ostream& out) {
  JsonWriter json(out);
  json.beginObject();
  json.field("command", "stats");
  json.field("file", run.path);
  json.field("model", run.model);
  json.field("cells", run.cells);
  json.field("cars", run.cars);
  json.field("density", run.density);
  json.field("timeseries_every", run.every);
  json.field("rows", run.rows);
  json.field("last_step", run.lastStep);
  if (run.openEnds) {
    json.key("open_road");
    json.beginObject();
    json.field("alpha", run.openEnds->alpha);
    json.field("beta", run.openEnds->beta);
    if (run.exactCurrent) {
      json.field("exact_current", run.exactCurrent->current);
      json.field("phase", run.exactCurrent->phase);
      json.field("exact_current_formula", run.exactCurrent->formula);
      json.field("exact_bulk_density", run.exactCurrent->bulkDensity);
    }
    json.endObject();
  }
  json.key("burn_in");
  json.beginObject();
  json.field("rows", run.burnIn.rows);
  json.field("steps", run.burnIn.steps);
  json.field("method", methodName(run.burnIn.method));
  json.field("settled", run.burnIn.settled);
  json.field("mser_rows", run.burnIn.mserRows);
  json.endObject();
  json.key("units");
  json.beginObject();
  json.field("cell_length_m", units.cellLengthMetres);
  json.field("step_seconds", units.stepSeconds);
  json.endObject();
  json.key("quantities");
  json.beginArray();
  for (const auto& quantity : run.quantities) {
    const analysis::Estimate& estimate = quantity.estimate;
    json.beginObject();
    json.field("name", quantity.name);
    if (quantity.position) json.field("position", *quantity.position);
    json.field("unit", quantity.unit);
    json.field("physical_unit", quantity.physicalUnit);
    json.field("mean", estimate.mean);
    json.field("standard_error", estimate.standardError());
    json.field("physical_mean", estimate.mean * quantity.physicalFactor);
    json.field("physical_standard_error", estimate.standardError() * quantity.physicalFactor);
    json.field("naive_error", estimate.naiveError);
    json.field("blocking_error", estimate.blockingError);
    json.field("blocking_converged", estimate.blockingConverged);
    json.field("tau_int", estimate.tauInt);
    json.field("tau_int_error", estimate.tauIntError);
    json.field("window", estimate.window);
    json.field("window_converged", estimate.windowConverged);
    json.field("effective_samples", estimate.effectiveSamples);
    json.field("samples", estimate.samples);
    json.field("first_row", estimate.firstRow);
    json.field("variance", estimate.variance);
    json.field("autocorrelation_error", estimate.autocorrelationError);
    json.field("autocorrelation_block_rows", estimate.autocorrelationBlockRows);
    json.endObject();
  }
  json.endArray();
  json.endObject();
  json.finish();
}

void writeCsv(const RunStatistics& run, std::ostream& out) {
  Table table({"file",
               "model",
               "cells",
               "cars",
               "density",
               "timeseries_every",
               "rows",
               "last_step",
               "burn_in_rows",
               "burn_in_steps",
               "burn_in_method",
               "settled",
               "name",
               "position",
               "unit",
               "physical_unit",
               "mean",
               "standard_error",
               "physical_mean",
               "physical_standard_error",
               "naive_error",
               "blocking_error",
               "blocking_converged",
               "tau_int",
               "tau_int_error",
               "window",
               "window_converged",
               "effective_samples",
               "samples"});
  const auto flag = [](bool value) { return std::string(value ? "true" : "false"); };
  for (const auto& quantity : run.quantities) {
    const analysis::Estimate& estimate = quantity.estimate;
    table.addRow({run.path,
                  run.model,
                  std::to_string(run.cells),
                  std::to_string(run.cars),
                  fullPrecision(run.density),
                  std::to_string(run.every),
                  std::to_string(run.rows),
                  std::to_string(run.lastStep),
                  std::to_string(run.burnIn.rows),
                  std::to_string(run.burnIn.steps),
                  methodName(run.burnIn.method),
                  flag(run.burnIn.settled),
                  quantity.name,
                  quantity.position ? std::to_string(*quantity.position) : "",
                  quantity.unit,
                  quantity.physicalUnit,
                  fullPrecision(estimate.mean),
                  fullPrecision(estimate.standardError()),
                  fullPrecision(estimate.mean * quantity.physicalFactor),
                  fullPrecision(estimate.standardError() * quantity.physicalFactor),
                  fullPrecision(estimate.naiveError),
                  fullPrecision(estimate.blockingError),
                  flag(estimate.blockingConverged),
                  fullPrecision(estimate.tauInt),
                  fullPrecision(estimate.tauIntError),
                  std::to_string(estimate.window),
                  flag(estimate.windowConverged),
                  fullPrecision(estimate.effectiveSamples),
                  std::to_string(estimate.samples)});
  }
  table.writeCsv(out);
}

std::string plusMinus(double value, double error) { return shortNumber(value) + " +- " + shortNumber(error, 3); }

void writeTable(const RunStatistics& run, const Units& units, std::ostream& out) {
  out << "file: " << run.path << "\n";
  out << "model " << run.model << ", " << counted(run.cells, "cell") << ", " << counted(run.cars, "car") << ", density "
      << shortNumber(run.density) << "\n";
  out << counted(run.rows, "row") << " of " << counted(run.every, "step") << ", last step " << run.lastStep
      << "; burn-in " << counted(run.burnIn.steps, "step") << " = " << counted(run.burnIn.rows, "row") << " ("
      << (run.burnIn.method == BurnInMethod::Mser ? "found by MSER" : "given") << ", "
      << (run.burnIn.settled ? "settled" : "NOT settled") << ")\n";
  if (run.openEnds) {
    out << "open road: alpha " << plainNumber(run.openEnds->alpha) << ", beta " << plainNumber(run.openEnds->beta)
        << " (cars and density above: at step 0); exact current "
        << (run.exactCurrent ? shortNumber(run.exactCurrent->current) + " cars/step (parallel TASEP, " +
                                   run.exactCurrent->phase + " phase: " + run.exactCurrent->formula + ")"
                             : std::string("none known (only rule 184 and NaSch vmax 1 without p_slow)"))
        << "\n";
  }
  out << "physical units: cell " << shortNumber(units.cellLengthMetres) << " m, step " << shortNumber(units.stepSeconds)
      << " s\n\n";
  Table table({"quantity", "mean +- error", "unit", "physical", "physical unit", "tau_int (rows)", "eff. samples",
               "samples", "plateau", "window"});
  for (const auto& quantity : run.quantities) {
    const analysis::Estimate& estimate = quantity.estimate;
    table.addRow(
        {quantity.name, plusMinus(estimate.mean, estimate.standardError()), quantity.unit,
         plusMinus(estimate.mean * quantity.physicalFactor, estimate.standardError() * quantity.physicalFactor),
         quantity.physicalUnit, plusMinus(estimate.tauInt, estimate.tauIntError),
         shortNumber(estimate.effectiveSamples), std::to_string(estimate.samples),
         estimate.blockingConverged ? "yes" : "no",
         std::to_string(estimate.window) + (estimate.windowConverged ? "" : " (not met)")});
  }
  table.writeAligned(out);
}

}  // namespace

void warn(std::ostream& err, const std::string& text) { err << "convoy-flow: warning: " << text << "\n"; }

void statsCommand(const StatsOptions& options, std::ostream& out, std::ostream& err) {
  const RunStatistics run =
      computeRunStatistics(timeseriesPathOf(options.input), options.burnInSteps, options.units, Detectors::Include);
  switch (options.format) {
    case OutputFormat::Json:
      writeJson(run, options.units, out);
      break;
    case OutputFormat::Csv:
      writeCsv(run, out);
      break;
    case OutputFormat::Table:
      writeTable(run, options.units, out);
      break;
  }
  for (const auto& warning : run.warnings) warn(err, warning);
}

}  // namespace convoy::flow
