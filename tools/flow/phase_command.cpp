// convoy-flow phase: the (alpha, beta) phase diagram of an open-road campaign (docs/analysis.md).
#include "commands.hpp"
#include "phase.hpp"

namespace convoy::flow {
namespace {

void optionalField(JsonWriter& json, std::string_view name, const std::optional<std::string>& text) {
  json.key(name);
  if (text) {
    json.value(*text);
  } else {
    json.null();
  }
}

void writeJson(const PhaseDiagram& diagram, std::ostream& out) {
  JsonWriter json(out);
  json.beginObject();
  json.field("command", "phase");
  json.field("model", diagram.model);
  writeNaschFields(json, diagram.nasch);
  json.field("hop_probability", diagram.hopProbability);
  json.field("critical_rate", diagram.criticalRate);
  json.key("rows");
  json.beginArray();
  for (const auto& row : diagram.rows) {
    json.beginObject();
    json.field("directory", row.directory);
    json.field("alpha", row.alpha);
    json.field("beta", row.beta);
    json.field("cells", row.cells);
    json.field("density", row.density);
    json.field("density_error", row.densityError);
    json.field("current", row.current);
    json.field("current_error", row.currentError);
    json.field("steps_used", row.stepsUsed);
    json.field("burn_in_steps", row.burnInSteps);
    json.field("exact_current", row.exactCurrent);
    json.field("exact_density", row.exactDensity);
    optionalField(json, "phase", row.phase);
    json.field("deviation_sigmas", row.deviationSigmas);
    json.field("settled", row.settled);
    json.endObject();
  }
  json.endArray();
  json.key("warnings");
  json.beginArray();
  for (const auto& warning : diagram.warnings) json.value(warning);
  json.endArray();
  json.endObject();
  json.finish();
}

std::string optionalFull(const std::optional<double>& value) { return value ? fullPrecision(*value) : ""; }

void writeCsv(const PhaseDiagram& diagram, std::ostream& out) {
  Table table({"directory", "model", "alpha", "beta", "cells", "density", "density_error", "current", "current_error",
               "steps_used", "burn_in_steps", "exact_current", "exact_density", "phase", "deviation_sigmas",
               "settled"});
  for (const auto& row : diagram.rows) {
    table.addRow({row.directory, diagram.model, fullPrecision(row.alpha), fullPrecision(row.beta),
                  std::to_string(row.cells), fullPrecision(row.density), fullPrecision(row.densityError),
                  fullPrecision(row.current), fullPrecision(row.currentError), std::to_string(row.stepsUsed),
                  std::to_string(row.burnInSteps), optionalFull(row.exactCurrent), optionalFull(row.exactDensity),
                  row.phase.value_or(""), optionalFull(row.deviationSigmas), row.settled ? "true" : "false"});
  }
  table.writeCsv(out);
}

void writeTable(const PhaseDiagram& diagram, std::ostream& out) {
  out << "model " << diagram.model << (diagram.nasch ? " (" + describe(*diagram.nasch) + ")" : std::string());
  if (diagram.hopProbability) {
    out << "; the parallel-update TASEP, p = " << plainNumber(*diagram.hopProbability)
        << ", maximal current from alpha, beta >= a_c = 1 - sqrt(1 - p) = " << shortNumber(*diagram.criticalRate)
        << "\n\n";
  } else {
    out << "; no exact current known\n\n";
  }
  Table table({"directory", "alpha", "beta", "cells", "density", "density error", "current", "current error",
               "steps used", "exact current", "exact density", "phase", "deviation (sigmas)", "settled"});
  for (const auto& row : diagram.rows) {
    const std::string deviation =
        row.deviationSigmas ? shortNumber(*row.deviationSigmas, 3) : (row.exactCurrent ? "inf" : "-");
    table.addRow({row.directory, shortNumber(row.alpha), shortNumber(row.beta), std::to_string(row.cells),
                  shortNumber(row.density), shortNumber(row.densityError, 3), shortNumber(row.current),
                  shortNumber(row.currentError, 3), std::to_string(row.stepsUsed),
                  row.exactCurrent ? shortNumber(*row.exactCurrent) : "-",
                  row.exactDensity ? shortNumber(*row.exactDensity) : "-", row.phase.value_or("-"), deviation,
                  row.settled ? "yes" : "no"});
  }
  table.writeAligned(out);
}

}  // namespace

void phaseCommand(const PhaseOptions& options, std::ostream& out, std::ostream& err) {
  const std::vector<RunLocation> runs = findRuns(options.inputs, err);
  const PhaseDiagram diagram = computePhaseDiagram(runs, options.burnInSteps);
  writeInFormat(options.format, diagram, out, writeJson, writeCsv, writeTable);
  for (const auto& warning : diagram.warnings) warn(err, warning);
}

}  // namespace convoy::flow
