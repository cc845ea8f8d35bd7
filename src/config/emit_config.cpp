// The resolved config, the physics hash and the physics differences: all three walk the one table
// of keys (config_keys.cpp), in its order.
#include <yaml-cpp/yaml.h>

#include "config/config_keys.hpp"
#include "convoy/config/config.hpp"
#include "convoy/core/checksum.hpp"

namespace convoy {
namespace {

std::vector<std::string> partsOf(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', begin)) {
    parts.push_back(path.substr(begin, dot - begin));
    begin = dot + 1;
  }
  parts.push_back(path.substr(begin));
  return parts;
}

}  // namespace

std::string modelName(ModelType type) { return type == ModelType::Rule184 ? "rule184" : "nasch"; }

double slowToStartProbability(const Config::Model& model) { return model.pSlow < 0 ? model.pBrake : model.pSlow; }

std::string boundaryName(Boundary boundary) { return boundary == Boundary::Periodic ? "periodic" : "open"; }

std::string toYaml(const Config& config) {
  // Keys of a section are next to one another in the table: a section's map is opened at its first
  // key and closed when a key of another section comes.
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::vector<std::string> open;  // the sections whose maps are open, outermost first
  for (const config::KeySpec& spec : config::keySpecs()) {
    const std::vector<std::string> parts = partsOf(spec.path);
    const std::vector<std::string> sections(parts.begin(), parts.end() - 1);
    std::size_t shared = 0;
    while (shared < open.size() && shared < sections.size() && open[shared] == sections[shared]) ++shared;
    for (; open.size() > shared; open.pop_back()) out << YAML::EndMap;
    for (; open.size() < sections.size(); open.push_back(sections[open.size()])) {
      out << YAML::Key << sections[open.size()] << YAML::Value << YAML::BeginMap;
    }
    if (!spec.shown(config)) continue;
    out << YAML::Key << parts.back() << YAML::Value;
    spec.emit(config, out);
  }
  for (; !open.empty(); open.pop_back()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::uint64_t physicsHash(const Config& config) {
  Checksum hash;
  for (const config::KeySpec& spec : config::keySpecs()) {
    if (!spec.physics || !(spec.hashed ? spec.hashed(config) : spec.matters(config))) continue;
    hash.add(std::string_view(spec.path));
    hash.add(std::string_view(spec.text(config)));
  }
  return hash.value();
}

std::vector<std::string> physicsDifferences(const Config& a, const Config& b) {
  std::vector<std::string> differences;
  for (const config::KeySpec& spec : config::keySpecs()) {
    if (!spec.physics || !spec.matters(a) || !spec.matters(b)) continue;
    const std::string valueA = spec.text(a);
    const std::string valueB = spec.text(b);
    if (valueA != valueB) differences.push_back(spec.path + " (" + valueA + " vs " + valueB + ")");
  }
  return differences;
}

}  // namespace convoy
