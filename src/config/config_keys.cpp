#include "config/config_keys.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>

namespace convoy::config {
namespace {

constexpr std::uint64_t kMaxCells = std::uint64_t{1} << 62;
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 62;

std::optional<double> parseReal(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  // strtod would also take hexadecimal ("0x10"), which no config value is meant to be.
  if (text.empty() || text.find_first_of("xX") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Integers may also be written as 1e7 or 1.024e7 when the value is a whole number.
std::optional<std::uint64_t> parseUnsigned(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  std::uint64_t value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (status == std::errc() && end == text.data() + text.size()) return value;
  const std::optional<double> real = parseReal(node);
  if (!real || *real < 0 || *real != std::floor(*real) || *real >= 18446744073709551616.0) return std::nullopt;
  return static_cast<std::uint64_t>(*real);
}

// The shortest text that reads back as the same double.
std::string exact(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// The field's value in a config that is only read (the accessors of the table are shared by apply,
// which writes, and by emit and text, which only read).
template <typename Value>
const Value& valueIn(const std::function<Value&(Config&)>& field, const Config& config) {
  return field(const_cast<Config&>(config));
}

std::string rangeText(std::uint64_t min, std::uint64_t max) {
  auto show = [](std::uint64_t v) {
    if (v == kMaxCells) return std::string("2^62");
    if (v == std::numeric_limits<std::uint64_t>::max()) return std::string("2^64-1");
    return std::to_string(v);
  };
  return "an integer from " + show(min) + " to " + show(max);
}

KeySpec unsignedKey(std::string path, std::uint64_t min, std::uint64_t max,
                    std::function<std::uint64_t&(Config&)> field) {
  return {std::move(path), rangeText(min, max),
          [=](const YAML::Node& node, Config& config) {
            const auto value = parseUnsigned(node);
            if (!value || *value < min || *value > max) return false;
            field(config) = *value;
            return true;
          },
          [=](const Config& config, YAML::Emitter& out) { out << valueIn(field, config); },
          [=](const Config& config) { return std::to_string(valueIn(field, config)); }};
}

KeySpec realKey(std::string path, double min, double max, std::function<double&(Config&)> field) {
  auto show = [](double v) {
    std::string text = std::to_string(v);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text;
  };
  return {std::move(path), "a number from " + show(min) + " to " + show(max),
          [=](const YAML::Node& node, Config& config) {
            const auto value = parseReal(node);
            if (!value || *value < min || *value > max) return false;
            field(config) = *value + 0.0;  // -0 is 0
            return true;
          },
          [=](const Config& config, YAML::Emitter& out) { out << exact(valueIn(field, config)); },
          [=](const Config& config) { return exact(valueIn(field, config)); }};
}

template <typename Value>
KeySpec choiceKey(std::string path, std::vector<std::pair<std::string, Value>> choices,
                  std::function<Value&(Config&)> field) {
  std::string expected = "one of";
  for (const auto& choice : choices) expected += (&choice == &choices.front() ? " " : ", ") + choice.first;
  auto nameOf = [=](const Config& config) {
    for (const auto& [name, value] : choices) {
      if (valueIn(field, config) == value) return name;
    }
    return std::string("?");
  };
  return {std::move(path), expected,
          [=](const YAML::Node& node, Config& config) {
            if (!node.IsScalar()) return false;
            for (const auto& [name, value] : choices) {
              if (node.Scalar() == name) {
                field(config) = value;
                return true;
              }
            }
            return false;
          },
          [=](const Config& config, YAML::Emitter& out) { out << nameOf(config); }, nameOf};
}

KeySpec textKey(std::string path, std::function<std::string&(Config&)> field) {
  return {std::move(path), "a non-empty text",
          [=](const YAML::Node& node, Config& config) {
            if (!node.IsScalar() || node.Scalar().empty()) return false;
            field(config) = node.Scalar();
            return true;
          },
          [=](const Config& config, YAML::Emitter& out) { out << valueIn(field, config); },
          [=](const Config& config) { return valueIn(field, config); }};
}

KeySpec unsignedListKey(std::string path, std::function<std::vector<std::uint64_t>&(Config&)> field) {
  return {std::move(path), "a list of cell positions (integers >= 0), e.g. [0, 5000]",
          [=](const YAML::Node& node, Config& config) {
            if (!node.IsSequence()) return false;
            std::vector<std::uint64_t> values;
            for (const auto& item : node) {
              const auto value = parseUnsigned(item);
              if (!value) return false;
              values.push_back(*value);
            }
            field(config) = std::move(values);
            return true;
          },
          [=](const Config& config, YAML::Emitter& out) { out << YAML::Flow << valueIn(field, config); },
          [=](const Config& config) {
            std::string text;
            for (const std::uint64_t value : valueIn(field, config)) text += std::to_string(value) + ",";
            return text;
          }};
}

KeySpec hintsKey(std::string path, std::function<std::map<std::string, std::string>&(Config&)> field) {
  return {std::move(path), "a mapping of MPI-IO hint names to values, e.g. {striping_factor: 16}",
          [=](const YAML::Node& node, Config& config) {
            if (node.IsNull()) return true;  // "hints:" with nothing after it: none
            if (!node.IsMap()) return false;
            std::map<std::string, std::string> hints;
            for (const auto& hint : node) {
              if (!hint.first.IsScalar() || !hint.second.IsScalar()) return false;
              hints[hint.first.Scalar()] = hint.second.Scalar();
            }
            field(config) = std::move(hints);
            return true;
          },
          [=](const Config& config, YAML::Emitter& out) { out << YAML::Flow << valueIn(field, config); },
          [=](const Config& config) {
            std::string text;
            for (const auto& [name, value] : valueIn(field, config)) text += name + "=" + value + ",";
            return text;
          }};
}

bool isNasch(const Config& config) { return config.model.type == ModelType::Nasch; }
bool fromRandomRoad(const Config& config) { return config.init.from.empty(); }
bool openRoad(const Config& config) { return config.road.boundary == Boundary::Open; }
bool fromFile(const Config& config) { return !config.init.from.empty(); }
bool datasetNamed(const Config& config) { return !config.init.dataset.empty(); }

bool generatedNaschRoad(const Config& config) { return isNasch(config) && fromRandomRoad(config); }

// A physics key (KeySpec::physics), shown and mattering only where `matters` holds.
KeySpec physics(KeySpec spec, std::function<bool(const Config&)> matters = nullptr) {
  spec.physics = true;
  if (matters) spec.shown = spec.matters = std::move(matters);
  return spec;
}

// A physics key added after checkpoints without it were written: hashed only where it matters and
// differs from its default (what those checkpoints ran with).
template <typename Value>
KeySpec laterPhysics(KeySpec spec, std::function<bool(const Config&)> matters,
                     std::function<const Value&(const Config&)> field, Value fallback) {
  spec = physics(std::move(spec), matters);
  spec.hashed = [=](const Config& config) { return matters(config) && field(config) != fallback; };
  return spec;
}

// model.p_slow: NaSch physics, hashed only where it differs from p_brake (plain NaSch, as before it
// existed); shown once resolved (a loaded config always has it).
KeySpec slowToStart(KeySpec spec) {
  spec = physics(std::move(spec), isNasch);
  spec.shown = [](const Config& config) { return isNasch(config) && config.model.pSlow >= 0; };
  spec.hashed = [](const Config& config) {
    return isNasch(config) && slowToStartProbability(config.model) != config.model.pBrake;
  };
  spec.text = [](const Config& config) { return exact(slowToStartProbability(config.model)); };
  return spec;
}

KeySpec shownWhen(KeySpec spec, std::function<bool(const Config&)> shown) {
  spec.shown = std::move(shown);
  return spec;
}

std::vector<KeySpec> makeKeySpecs() {
  const std::uint64_t maxSeed = std::numeric_limits<std::uint64_t>::max();
  return {
      physics(unsignedKey(
          "road.cells", 1, kMaxCells, [](Config & c) -> auto& { return c.road.cells; })),
      physics(choiceKey<Boundary>(
          "road.boundary",
          {{boundaryName(Boundary::Periodic), Boundary::Periodic}, {boundaryName(Boundary::Open), Boundary::Open}},
          [](Config & c) -> auto& { return c.road.boundary; })),
      physics(realKey(
                  "road.alpha", 0, 1, [](Config & c) -> auto& { return c.road.alpha; }),
              openRoad),
      physics(realKey(
                  "road.beta", 0, 1, [](Config & c) -> auto& { return c.road.beta; }),
              openRoad),
      physics(choiceKey<ModelType>(
          "model.type",
          {{modelName(ModelType::Rule184), ModelType::Rule184}, {modelName(ModelType::Nasch), ModelType::Nasch}},
          [](Config & c) -> auto& { return c.model.type; })),
      physics(unsignedKey(
                  "model.vmax", 1, 255, [](Config & c) -> auto& { return c.model.vmax; }),
              isNasch),
      physics(realKey(
                  "model.p_brake", 0, 1, [](Config & c) -> auto& { return c.model.pBrake; }),
              isNasch),
      slowToStart(realKey(
          "model.p_slow", 0, 1, [](Config & c) -> auto& { return c.model.pSlow; })),
      physics(realKey(
                  "init.density", 0, 1, [](Config & c) -> auto& { return c.init.density; }),
              fromRandomRoad),
      shownWhen(physics(textKey(
                    "init.from", [](Config & c) -> auto& { return c.init.from; })),
                fromFile),
      shownWhen(physics(textKey(
                    "init.dataset", [](Config & c) -> auto& { return c.init.dataset; })),
                datasetNamed),
      physics(unsignedKey(
          "init.seed", 0, maxSeed, [](Config & c) -> auto& { return c.init.seed; })),
      laterPhysics<InitialLayout>(
          choiceKey<InitialLayout>(
              "init.layout",
              {{"random", InitialLayout::Random}, {"uniform", InitialLayout::Uniform}, {"jam", InitialLayout::Jam}},
              [](Config & c) -> auto& { return c.init.layout; }),
          fromRandomRoad, [](const Config& c) -> const auto& { return c.init.layout; }, InitialLayout::Random),
      laterPhysics<InitialVelocity>(
          choiceKey<InitialVelocity>(
              "init.velocity",
              {{"zero", InitialVelocity::Zero}, {"vmax", InitialVelocity::Vmax}, {"random", InitialVelocity::Random}},
              [](Config & c) -> auto& { return c.init.velocity; }),
          generatedNaschRoad, [](const Config& c) -> const auto& { return c.init.velocity; }, InitialVelocity::Zero),
      unsignedKey(
          "run.steps", 0, kMaxCount, [](Config & c) -> auto& { return c.run.steps; }),
      realKey(
          "run.max_hours", 0, 1e6, [](Config & c) -> auto& { return c.run.maxHours; }),
      textKey(
          "output.directory", [](Config & c) -> auto& { return c.output.directory; }),
      unsignedKey(
          "output.timeseries_every", 1, kMaxCount, [](Config & c) -> auto& { return c.output.timeseriesEvery; }),
      unsignedListKey(
          "output.detectors", [](Config & c) -> auto& { return c.output.detectors; }),
      unsignedKey(
          "output.snapshot_every", 0, kMaxCount, [](Config & c) -> auto& { return c.output.snapshotEvery; }),
      unsignedKey(
          "output.profile_bins", 1, std::uint64_t{1} << 20, [](Config & c) -> auto& { return c.output.profileBins; }),
      unsignedKey(
          "output.spacetime.start", 0, kMaxCells - 1, [](Config & c) -> auto& { return c.output.spacetime.start; }),
      unsignedKey(
          "output.spacetime.width", 1, kMaxSpacetimeWidth,
          [](Config & c) -> auto& { return c.output.spacetime.width; }),
      unsignedKey(
          "output.spacetime.every", 0, kMaxCount, [](Config & c) -> auto& { return c.output.spacetime.every; }),
      unsignedKey(
          "output.hdf5.alignment", 1, std::uint64_t{1} << 40,
          [](Config & c) -> auto& { return c.output.hdf5.alignment; }),
      unsignedKey(
          "output.hdf5.alignment_threshold", 0, std::uint64_t{1} << 40,
          [](Config & c) -> auto& { return c.output.hdf5.alignmentThreshold; }),
      hintsKey(
          "output.hdf5.hints", [](Config & c) -> auto& { return c.output.hdf5.hints; }),
      realKey(
          "output.io_timeout_minutes", 0, 1e6, [](Config & c) -> auto& { return c.output.ioTimeoutMinutes; }),
      unsignedKey(
          "checkpoint.every_steps", 0, kMaxCount, [](Config & c) -> auto& { return c.checkpoint.everySteps; }),
      realKey(
          "checkpoint.every_minutes", 0, 1e6, [](Config & c) -> auto& { return c.checkpoint.everyMinutes; }),
      unsignedKey(
          "checkpoint.keep", 1, 1000, [](Config & c) -> auto& { return c.checkpoint.keep; }),
      choiceKey<std::string>(
          "logging.level",
          {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"error", "error"}},
          [](Config & c) -> auto& { return c.logging.level; }),
      realKey(
          "logging.progress_seconds", 0, 1e6, [](Config & c) -> auto& { return c.logging.progressSeconds; }),
      unsignedKey(
          "logging.report_every", 0, kMaxCount, [](Config & c) -> auto& { return c.logging.reportEvery; }),
  };
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string lastPart(const std::string& path) { return path.substr(path.rfind('.') + 1); }

const std::vector<KeySpec>& keySpecs() {
  static const std::vector<KeySpec> specs = makeKeySpecs();
  return specs;
}

const KeySpec* findKey(const std::string& path) {
  for (const auto& spec : keySpecs()) {
    if (spec.path == path) return &spec;
  }
  return nullptr;
}

std::string suggestKey(const std::string& path) {
  std::string best;
  std::size_t bestDistance = std::max<std::size_t>(2, path.size() / 3) + 1;
  std::vector<std::string> candidates;
  for (const auto& spec : keySpecs()) {
    candidates.push_back(spec.path);
    for (std::size_t dot = spec.path.find('.'); dot != std::string::npos; dot = spec.path.find('.', dot + 1)) {
      candidates.push_back(spec.path.substr(0, dot));  // sections: "outptu" -> "output"
    }
  }
  for (const auto& candidate : candidates) {
    // A key put in the wrong section ("road.density") is found by its last part.
    const bool sameKeyElsewhere = path.find('.') != std::string::npos && candidate.find('.') != std::string::npos &&
                                  lastPart(candidate) == lastPart(path);
    const std::size_t distance = sameKeyElsewhere ? 0 : editDistance(candidate, path);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace convoy::config
