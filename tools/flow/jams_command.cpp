// convoy-flow jams: stopped cars and jam lengths in snapshots (contract: /tmp/contract-flow.md).
#include "commands.hpp"
#include "convoy/error.hpp"
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
  json.endObject();
  json.endObject();
  json.finish();
}

std::string optionalFull(const std::optional<double>& value) { return value ? fullPrecision(*value) : ""; }

// Tidy CSV: one row per file and jam length (a file without jams has one row with empty length and
// count); the totals follow with file "total".
void writeCsv(const std::vector<FileJams>& files, const JamSummary& total, std::ostream& out) {
  Table table({"file", "step", "cells", "cars", "stopped_cars", "stopped_fraction", "jams", "mean_jam_length",
               "largest_jam", "jam_length", "jam_count"});
  const auto addRows = [&](const std::string& name, const std::string& step, const JamSummary& jams) {
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
      row.insert(row.end(), {"", ""});
      table.addRow(std::move(row));
    }
    for (const auto& [length, count] : jams.jamLengths) {
      std::vector<std::string> row = summary;
      row.insert(row.end(), {std::to_string(length), std::to_string(count)});
      table.addRow(std::move(row));
    }
  };
  for (const auto& file : files) addRows(file.path, std::to_string(file.step), file.jams);
  addRows("total", "", total);
  table.writeCsv(out);
}

std::string optionalShort(const std::optional<double>& value) { return value ? shortNumber(*value) : "-"; }

void writeTable(const std::vector<FileJams>& files, const JamSummary& total, std::ostream& out) {
  Table table({"file", "step", "cells", "cars", "stopped cars", "stopped fraction", "jams", "mean jam length",
               "largest jam"});
  const auto addRow = [&](const std::string& name, const std::string& step, const JamSummary& jams) {
    table.addRow({name, step, std::to_string(jams.cells), std::to_string(jams.cars), std::to_string(jams.stoppedCars),
                  optionalShort(jams.stoppedFraction()), std::to_string(jams.jams), optionalShort(jams.meanJamLength()),
                  std::to_string(jams.largestJam)});
  };
  for (const auto& file : files) addRow(file.path, std::to_string(file.step), file.jams);
  if (files.size() > 1) addRow("total", "-", total);
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
