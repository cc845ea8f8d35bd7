// convoy-flow jams: stopped cars and jam lengths in snapshots (contract: /tmp/contract-flow.md).
#include "commands.hpp"
#include "convoy/core/error.hpp"
#include "jams.hpp"

namespace convoy::flow {
namespace {

void writeLengths(JsonWriter& json, const JamSummary& jams) {
  json.key("jam_lengths");
  json.beginArray();
  for (const auto& [length, count] : jams.jamLengths) {
    json.beginObject();
    json.field("length", length);
    json.field("count", count);
    json.endObject();
  }
  json.endArray();
}

// The rule shared by every file, or "mixed" (rule-184 and NaSch snapshots in one call).
std::string commonRule(const std::vector<FileJams>& files) {
  std::string rule;
  for (const auto& file : files) {
    const std::string text = stoppedRuleText(file.rule);
    if (!rule.empty() && rule != text) return "mixed";
    rule = text;
  }
  return rule;
}

void writeJson(const std::vector<FileJams>& files, const JamSummary& total, std::ostream& out) {
  JsonWriter json(out);
  json.beginObject();
  json.field("command", "jams");
  json.key("files");
  json.beginArray();
  for (const auto& file : files) {
    json.beginObject();
    json.field("file", file.path);
    json.field("kind", file.kind);
    json.field("step", file.step);
    json.field("cells", file.jams.cells);
    json.field("cars", file.jams.cars);
    json.field("stopped_cars", file.jams.stoppedCars);
    json.field("stopped_fraction", file.jams.stoppedFraction());
    json.field("jams", file.jams.jams);
    json.field("mean_jam_length", file.jams.meanJamLength());
    json.field("largest_jam", file.jams.largestJam);
    writeLengths(json, file.jams);
    json.field("model", file.model);
    json.field("stopped_rule", stoppedRuleText(file.rule));
    json.endObject();
  }
  json.endArray();
  json.key("total");
  json.beginObject();
  json.field("stopped_cars", total.stoppedCars);
  json.field("cars", total.cars);
  json.field("stopped_fraction", total.stoppedFraction());
  json.field("jams", total.jams);
  json.field("mean_jam_length", total.meanJamLength());
  json.field("largest_jam", total.largestJam);
  writeLengths(json, total);
  json.field("stopped_rule", commonRule(files));
  json.endObject();
  json.endObject();
  json.finish();
}

std::string optionalFull(const std::optional<double>& value) { return value ? fullPrecision(*value) : ""; }

// Tidy CSV: one row per file and jam length (a file without jams has one row with empty length and
// count); the totals follow with file "total".
void writeCsv(const std::vector<FileJams>& files, const JamSummary& total, std::ostream& out) {
  Table table({"file", "step", "cells", "cars", "stopped_cars", "stopped_fraction", "jams", "mean_jam_length",
               "largest_jam", "jam_length", "jam_count", "stopped_rule"});
  const auto addRows = [&](const std::string& name, const std::string& step, const JamSummary& jams,
                           const std::string& rule) {
    std::vector<std::string> summary{name,
                                     step,
                                     std::to_string(jams.cells),
                                     std::to_string(jams.cars),
                                     std::to_string(jams.stoppedCars),
                                     optionalFull(jams.stoppedFraction()),
                                     std::to_string(jams.jams),
                                     optionalFull(jams.meanJamLength()),
                                     std::to_string(jams.largestJam)};
    if (jams.jamLengths.empty()) {
      std::vector<std::string> row = summary;
      row.insert(row.end(), {"", "", rule});
      table.addRow(std::move(row));
    }
    for (const auto& [length, count] : jams.jamLengths) {
      std::vector<std::string> row = summary;
      row.insert(row.end(), {std::to_string(length), std::to_string(count), rule});
      table.addRow(std::move(row));
    }
  };
  for (const auto& file : files) addRows(file.path, std::to_string(file.step), file.jams, stoppedRuleText(file.rule));
  addRows("total", "", total, commonRule(files));
  table.writeCsv(out);
}

std::string optionalShort(const std::optional<double>& value) { return value ? shortNumber(*value) : "-"; }

void writeTable(const std::vector<FileJams>& files, const JamSummary& total, std::ostream& out) {
  Table table({"file", "step", "cells", "cars", "stopped cars", "stopped fraction", "jams", "mean jam length",
               "largest jam", "stopped when"});
  const auto addRow = [&](const std::string& name, const std::string& step, const JamSummary& jams,
                          const std::string& rule) {
    table.addRow({name, step, std::to_string(jams.cells), std::to_string(jams.cars), std::to_string(jams.stoppedCars),
                  optionalShort(jams.stoppedFraction()), std::to_string(jams.jams), optionalShort(jams.meanJamLength()),
                  std::to_string(jams.largestJam), rule});
  };
  for (const auto& file : files) addRow(file.path, std::to_string(file.step), file.jams, stoppedRuleText(file.rule));
  if (files.size() > 1) addRow("total", "-", total, commonRule(files));
  table.writeAligned(out);
  out << "\njam lengths" << (files.size() > 1 ? " (all files)" : "") << ":\n";
  Table lengths({"length (cars)", "jams", "cars in them"});
  for (const auto& [length, count] : total.jamLengths) {
    lengths.addRow({std::to_string(length), std::to_string(count), std::to_string(length * count)});
  }
  if (lengths.empty()) {
    out << "none\n";
  } else {
    lengths.writeAligned(out);
  }
}

}  // namespace

void jamsCommand(const JamsOptions& options, std::ostream& out, std::ostream& /*err*/) {
  std::vector<FileJams> files;
  JamSummary total;
  std::vector<std::string> problems;
  for (const auto& path : options.files) {
    try {
      files.push_back(countJams(path));
      total.add(files.back().jams);
    } catch (const InputError& error) {
      // Every bad file is reported in one go.
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
  }
  if (!problems.empty()) throw InputError(problems);
  switch (options.format) {
    case OutputFormat::Json:
      writeJson(files, total, out);
      break;
    case OutputFormat::Csv:
      writeCsv(files, total, out);
      break;
    case OutputFormat::Table:
      writeTable(files, total, out);
      break;
  }
}

}  // namespace convoy::flow
