// convoy-flow diagram: the fundamental diagram of a campaign (contract: /tmp/contract-flow.md).
#include "commands.hpp"
#include "diagram.hpp"

namespace convoy::flow {
namespace {

void writeJson(const Diagram& diagram, std::ostream& out) {
  JsonWriter json(out);
  json.beginObject();
  json.field("command", "diagram");
  json.field("model", diagram.model);
  writeNaschFields(json, diagram.nasch);
  if (diagram.exactCurve) {
    json.field("exact_curve", *diagram.exactCurve);
  } else {
    json.key("exact_curve");
    json.null();
  }
  json.key("runs");
  json.beginArray();
  for (const auto& row : diagram.rows) {
    json.beginObject();
    json.field("directory", row.directory);
    json.field("density", row.density);
    json.field("cells", row.cells);
    json.field("cars", row.cars);
    json.field("flow", row.flow);
    json.field("flow_error", row.flowError);
    json.field("velocity", row.velocity);
    json.field("velocity_error", row.velocityError);
    json.field("steps_used", row.stepsUsed);
    json.field("burn_in_steps", row.burnInSteps);
    json.field("exact_flow", row.exactFlow);
    json.field("deviation_sigmas", row.deviationSigmas);
    json.field("settled", row.settled);
    json.endObject();
  }
  json.endArray();
  json.endObject();
  json.finish();
}

std::string optionalFull(const std::optional<double>& value) { return value ? fullPrecision(*value) : ""; }

void writeCsv(const Diagram& diagram, std::ostream& out) {
  Table table({"directory", "model", "density", "cells", "cars", "flow", "flow_error", "velocity", "velocity_error",
               "steps_used", "burn_in_steps", "exact_flow", "deviation_sigmas", "settled"});
  for (const auto& row : diagram.rows) {
    table.addRow({row.directory, diagram.model, fullPrecision(row.density), std::to_string(row.cells),
                  std::to_string(row.cars), fullPrecision(row.flow), fullPrecision(row.flowError),
                  fullPrecision(row.velocity), fullPrecision(row.velocityError), std::to_string(row.stepsUsed),
                  std::to_string(row.burnInSteps), optionalFull(row.exactFlow), optionalFull(row.deviationSigmas),
                  row.settled ? "true" : "false"});
  }
  table.writeCsv(out);
}

void writeTable(const Diagram& diagram, std::ostream& out) {
  out << "model " << diagram.model << (diagram.nasch ? " (" + describe(*diagram.nasch) + ")" : std::string())
      << "; exact curve: " << (diagram.exactCurve ? "flow = " + *diagram.exactCurve : std::string("none known"))
      << "\n\n";
  Table table({"directory", "density", "cells", "cars", "flow", "flow error", "velocity", "velocity error",
               "steps used", "burn-in steps", "exact flow", "deviation (sigmas)", "settled"});
  for (const auto& row : diagram.rows) {
    // No deviation although there is an exact value: the error bar is 0 and the flow differs.
    const std::string deviation =
        row.deviationSigmas ? shortNumber(*row.deviationSigmas, 3) : (row.exactFlow ? "inf" : "-");
    table.addRow({row.directory, shortNumber(row.density), std::to_string(row.cells), std::to_string(row.cars),
                  shortNumber(row.flow), shortNumber(row.flowError, 3), shortNumber(row.velocity),
                  shortNumber(row.velocityError, 3), std::to_string(row.stepsUsed), std::to_string(row.burnInSteps),
                  row.exactFlow ? shortNumber(*row.exactFlow) : "-", deviation, row.settled ? "yes" : "no"});
  }
  table.writeAligned(out);
}

}  // namespace

void diagramCommand(const DiagramOptions& options, std::ostream& out, std::ostream& err) {
  const std::vector<RunLocation> runs = findRuns(options.inputs, err);
  const Diagram diagram = computeDiagram(runs, options.burnInSteps);
  writeInFormat(options.format, diagram, out, writeJson, writeCsv, writeTable);
  for (const auto& warning : diagram.warnings) warn(err, warning);
}

}  // namespace convoy::flow
