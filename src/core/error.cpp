#include "convoy/core/error.hpp"

namespace convoy {
namespace {
std::string joinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}
}  // namespace

InputError::InputError(std::vector<std::string> problems)
    : std::runtime_error(joinLines(problems)), problems_(std::move(problems)) {}

}  // namespace convoy
