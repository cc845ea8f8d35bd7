#include "report.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace convoy::flow {
namespace {

bool looksNumeric(const std::string& cell) {
  if (cell.empty()) return false;
  const char first = cell.front();
  return (first >= '0' && first <= '9') || first == '-' || first == '+' || cell == "inf" || cell == "nan";
}

std::string csvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Length of the valid UTF-8 sequence starting at text[at], or 0 if it is not valid.
std::size_t utf8SequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)
    length = 4;
  else
    return 0;
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
  const unsigned char second = byte(at + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;
  if (lead == 0xED && second >= 0xA0) return 0;
  if (lead == 0xF0 && second < 0x90) return 0;
  if (lead == 0xF4 && second >= 0x90) return 0;
  return length;
}

}  // namespace

std::string fullPrecision(double value) {
  if (!std::isfinite(value)) return "";
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  // Keep floats floats for readers that care (Python's json gives int for "1080").
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string shortNumber(double value, int significant) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*g", significant, value);
  return buffer.data();
}

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (std::size_t at = 0; at < text.size();) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20 || c == 0x7F) {
      std::array<char, 8> escape{};
      std::snprintf(escape.data(), escape.size(), "\\u%04x", static_cast<unsigned>(c));
      out += escape.data();
    } else if (c >= 0x80) {
      // File names are bytes; JSON must be UTF-8, so a byte that is not part of valid UTF-8 becomes U+FFFD.
      const std::size_t length = utf8SequenceLength(text, at);
      if (length == 0) {
        out += "\\ufffd";
      } else {
        out.append(text.substr(at, length));
        at += length;
        continue;
      }
    } else {
      out += static_cast<char>(c);
    }
    ++at;
  }
  return out + "\"";
}

void JsonWriter::newline() { out_ << '\n' << std::string(2 * firstInScope_.size(), ' '); }

void JsonWriter::beforeValue() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (firstInScope_.empty()) return;
  if (!firstInScope_.back()) out_ << ',';
  firstInScope_.back() = false;
  newline();
}

void JsonWriter::beginObject() {
  beforeValue();
  out_ << '{';
  firstInScope_.push_back(true);
}

void JsonWriter::close(char bracket) {
  assert(!firstInScope_.empty());
  const bool wasEmpty = firstInScope_.back();
  firstInScope_.pop_back();
  if (!wasEmpty) newline();
  out_ << bracket;
}

void JsonWriter::endObject() { close('}'); }

void JsonWriter::beginArray() {
  beforeValue();
  out_ << '[';
  firstInScope_.push_back(true);
}

void JsonWriter::endArray() { close(']'); }

void JsonWriter::key(std::string_view name) {
  beforeValue();
  out_ << jsonString(name) << ": ";
  afterKey_ = true;
}

void JsonWriter::value(double number) {
  beforeValue();
  out_ << (std::isfinite(number) ? fullPrecision(number) : "null");
}

void JsonWriter::value(std::optional<double> number) {
  if (number) {
    value(*number);
  } else {
    null();
  }
}

void JsonWriter::value(std::uint64_t number) {
  beforeValue();
  out_ << number;
}

void JsonWriter::value(std::int64_t number) {
  beforeValue();
  out_ << number;
}

void JsonWriter::value(bool flag) {
  beforeValue();
  out_ << (flag ? "true" : "false");
}

void JsonWriter::value(std::string_view text) {
  beforeValue();
  out_ << jsonString(text);
}

void JsonWriter::null() {
  beforeValue();
  out_ << "null";
}

void JsonWriter::finish() {
  assert(firstInScope_.empty());
  out_ << '\n';
}

void Table::addRow(std::vector<std::string> cells) {
  assert(cells.size() == headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::writeAligned(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size());
  std::vector<bool> numeric(headers_.size(), true);
  for (std::size_t column = 0; column < headers_.size(); ++column) {
    widths[column] = headers_[column].size();
    for (const auto& row : rows_) {
      widths[column] = std::max(widths[column], row[column].size());
      if (!row[column].empty() && row[column] != "-" && !looksNumeric(row[column])) numeric[column] = false;
    }
  }
  const auto writeLine = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t column = 0; column < cells.size(); ++column) {
      const std::string padding(widths[column] - cells[column].size(), ' ');
      if (column > 0) line += "  ";
      line += numeric[column] ? padding + cells[column] : cells[column] + padding;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  };
  writeLine(headers_);
  for (const auto& row : rows_) writeLine(row);
}

void Table::writeCsv(std::ostream& out) const {
  const auto writeLine = [&](const std::vector<std::string>& cells) {
    for (std::size_t column = 0; column < cells.size(); ++column)
      out << (column > 0 ? "," : "") << csvCell(cells[column]);
    out << '\n';
  };
  writeLine(headers_);
  for (const auto& row : rows_) writeLine(row);
}

}  // namespace convoy::flow
