// Writers for convoy-flow's three output forms: an aligned table for people, CSV and JSON for
// scripts. JSON is written by hand (convoy has no JSON library): strings escaped, numbers at full
// precision (shortest round-trip form), null for values that cannot be computed (NaN, infinity).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::flow {

enum class OutputFormat { Table, Csv, Json };

// Numbers as text. Full precision for CSV and JSON ("0.3", "1080.0"); `significant` digits for tables.
// Non-finite values give "" (CSV), "null" (JSON), "nan"/"inf" (tables).
std::string fullPrecision(double value);
std::string shortNumber(double value, int significant = 6);

// A streaming JSON writer: nesting and commas are tracked, so callers only say what comes next.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  ~JsonWriter() = default;
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void beginObject();
  void endObject();
  void beginArray();
  void endArray();
  void key(std::string_view name);

  void value(double number);  // null when not finite
  void value(std::optional<double> number);
  void value(std::uint64_t number);
  void value(std::int64_t number);
  void value(bool flag);
  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void null();

  template <typename Value>
  void field(std::string_view name, const Value& content) {
    key(name);
    value(content);
  }
  // Ends the document with a newline.
  void finish();

 private:
  void beforeValue();
  void close(char bracket);
  void newline();
  std::ostream& out_;
  std::vector<bool> firstInScope_;  // one entry per open object or array
  bool afterKey_ = false;
};

// The JSON form of a string, quotes included (exposed for tests and for CSV-free callers).
std::string jsonString(std::string_view text);

// A table of text cells, written aligned (numbers right-aligned) or as CSV (RFC 4180 quoting).
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Cells must match the headers one for one.
  void addRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void writeAligned(std::ostream& out) const;
  void writeCsv(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Writes `result` on `out` in `format`, by that form's writer (each called as writer(result, out)).
template <typename Result, typename JsonForm, typename CsvForm, typename TableForm>
void writeInFormat(OutputFormat format, const Result& result, std::ostream& out, JsonForm json, CsvForm csv,
                   TableForm table) {
  switch (format) {
    case OutputFormat::Json:
      json(result, out);
      break;
    case OutputFormat::Csv:
      csv(result, out);
      break;
    case OutputFormat::Table:
      table(result, out);
      break;
  }
}

}  // namespace convoy::flow
