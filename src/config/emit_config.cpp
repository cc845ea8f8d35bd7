#include <yaml-cpp/yaml.h>

#include <charconv>

#include "convoy/config/config.hpp"
#include "convoy/core/checksum.hpp"

namespace convoy {
namespace {

// The shortest text that reads back as the same double.
std::string exact(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string modelName(ModelType type) { return type == ModelType::Rule184 ? "rule184" : "nasch"; }

std::string boundaryName(Boundary boundary) { return boundary == Boundary::Periodic ? "periodic" : "open"; }

std::string toYaml(const Config& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "road" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "cells" << YAML::Value << c.road.cells;
  out << YAML::Key << "boundary" << YAML::Value << boundaryName(c.road.boundary);
  out << YAML::EndMap;
  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << modelName(c.model.type);
  if (c.model.type == ModelType::Nasch) {
    out << YAML::Key << "vmax" << YAML::Value << c.model.vmax;
    out << YAML::Key << "p_brake" << YAML::Value << exact(c.model.pBrake);
  }
  out << YAML::EndMap;
  out << YAML::Key << "init" << YAML::Value << YAML::BeginMap;
  if (c.init.from.empty()) {
    out << YAML::Key << "density" << YAML::Value << exact(c.init.density);
  } else {
    out << YAML::Key << "from" << YAML::Value << c.init.from;
    if (!c.init.dataset.empty()) out << YAML::Key << "dataset" << YAML::Value << c.init.dataset;
  }
  out << YAML::Key << "seed" << YAML::Value << c.init.seed;
  out << YAML::EndMap;
  out << YAML::Key << "run" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "steps" << YAML::Value << c.run.steps;
  out << YAML::Key << "max_hours" << YAML::Value << exact(c.run.maxHours);
  out << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "directory" << YAML::Value << c.output.directory;
  out << YAML::Key << "timeseries_every" << YAML::Value << c.output.timeseriesEvery;
  out << YAML::Key << "detectors" << YAML::Value << YAML::Flow << c.output.detectors;
  out << YAML::Key << "snapshot_every" << YAML::Value << c.output.snapshotEvery;
  out << YAML::Key << "profile_bins" << YAML::Value << c.output.profileBins;
  out << YAML::Key << "spacetime" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "start" << YAML::Value << c.output.spacetime.start;
  out << YAML::Key << "width" << YAML::Value << c.output.spacetime.width;
  out << YAML::Key << "every" << YAML::Value << c.output.spacetime.every;
  out << YAML::EndMap;
  out << YAML::Key << "hdf5" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "alignment" << YAML::Value << c.output.hdf5.alignment;
  out << YAML::Key << "alignment_threshold" << YAML::Value << c.output.hdf5.alignmentThreshold;
  out << YAML::Key << "hints" << YAML::Value << YAML::Flow << c.output.hdf5.hints;
  out << YAML::EndMap;
  out << YAML::Key << "io_timeout_minutes" << YAML::Value << exact(c.output.ioTimeoutMinutes);
  out << YAML::EndMap;
  out << YAML::Key << "checkpoint" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "every_steps" << YAML::Value << c.checkpoint.everySteps;
  out << YAML::Key << "every_minutes" << YAML::Value << exact(c.checkpoint.everyMinutes);
  out << YAML::Key << "keep" << YAML::Value << c.checkpoint.keep;
  out << YAML::EndMap;
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "level" << YAML::Value << c.logging.level;
  out << YAML::Key << "progress_seconds" << YAML::Value << exact(c.logging.progressSeconds);
  out << YAML::Key << "report_every" << YAML::Value << c.logging.reportEvery;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::uint64_t physicsHash(const Config& config) {
  // The checksum of the physics keys' values, in a fixed order.
  std::vector<std::string> fields{std::to_string(config.road.cells),
                                  boundaryName(config.road.boundary),
                                  modelName(config.model.type),
                                  config.init.from,
                                  config.init.dataset,
                                  exact(config.init.density),
                                  std::to_string(config.init.seed)};
  if (config.model.type == ModelType::Nasch) {
    fields.push_back(std::to_string(config.model.vmax));
    fields.push_back(exact(config.model.pBrake));
  }
  Checksum hash;
  for (const std::string& field : fields) hash.add(std::string_view(field));
  return hash.value();
}

std::vector<std::string> physicsDifferences(const Config& a, const Config& b) {
  std::vector<std::string> differences;
  auto compare = [&](const std::string& key, const std::string& valueA, const std::string& valueB) {
    if (valueA != valueB) differences.push_back(key + " (" + valueA + " vs " + valueB + ")");
  };
  compare("road.cells", std::to_string(a.road.cells), std::to_string(b.road.cells));
  compare("road.boundary", boundaryName(a.road.boundary), boundaryName(b.road.boundary));
  compare("model.type", modelName(a.model.type), modelName(b.model.type));
  if (a.model.type == ModelType::Nasch && b.model.type == ModelType::Nasch) {
    compare("model.vmax", std::to_string(a.model.vmax), std::to_string(b.model.vmax));
    compare("model.p_brake", exact(a.model.pBrake), exact(b.model.pBrake));
  }
  compare("init.from", a.init.from, b.init.from);
  compare("init.dataset", a.init.dataset, b.init.dataset);
  if (a.init.from.empty() && b.init.from.empty()) compare("init.density", exact(a.init.density), exact(b.init.density));
  compare("init.seed", std::to_string(a.init.seed), std::to_string(b.init.seed));
  return differences;
}

}  // namespace convoy
