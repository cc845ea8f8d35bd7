// The run's configuration (docs/config.md), loaded from YAML with every value checked.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace convoy {

enum class ModelType { Rule184, Nasch };

// The widest space-time window (cells): a picture, not a second copy of the road.
inline constexpr std::uint64_t kMaxSpacetimeWidth = std::uint64_t{1} << 20;
enum class Boundary { Periodic, Open };
// How the cars of a generated road are placed (init.layout), and their velocities (init.velocity).
enum class InitialLayout { Random, Uniform, Jam };
enum class InitialVelocity { Zero, Vmax, Random };

struct Config {
  struct Road {
    std::uint64_t cells = 0;  // required
    Boundary boundary = Boundary::Periodic;
    // Open roads (docs/model.md "Open roads"): the probabilities that a car enters cell 0 (alpha) and
    // that the car in the last cell leaves (beta) in a step. Required with an open boundary.
    double alpha = 0.0;
    double beta = 0.0;
  } road;
  struct Model {
    ModelType type = ModelType::Rule184;
    std::uint64_t vmax = 5;
    double pBrake = 0.25;
    // Slow-to-start: the braking probability of a car standing still at the start of a step. Negative:
    // not given, the same as pBrake (plain NaSch); a loaded config has it resolved.
    double pSlow = -1.0;
  } model;
  struct Init {
    double density = 0.0;  // required unless `from` is given
    std::uint64_t seed = 5743;
    std::string from;     // a saved road to start from; empty = a generated road (layout)
    std::string dataset;  // the dataset in `from` (default: /road of a convoy file)
    // A generated road: random (Bernoulli), uniform or jam (round(density N) cars); velocity: NaSch only.
    InitialLayout layout = InitialLayout::Random;
    InitialVelocity velocity = InitialVelocity::Zero;
  } init;
  struct Run {
    std::uint64_t steps = 0;  // required
    double maxHours = 0.0;
  } run;
  struct Output {
    std::string directory = "convoy-output";
    std::uint64_t timeseriesEvery = 1;
    std::vector<std::uint64_t> detectors;
    std::uint64_t snapshotEvery = 0;
    std::uint64_t profileBins = 1024;
    // A window of the road recorded every `every` steps (0: none) into spacetime.h5, for space-time
    // diagrams: cells start, start + 1, ..., start + width - 1 (modulo the road's length).
    struct Spacetime {
      std::uint64_t start = 0;
      std::uint64_t width = 1024;  // at most road.cells (the default shrinks to it on short roads)
      std::uint64_t every = 0;
    } spacetime;
    struct Hdf5 {
      std::uint64_t alignment = 1 << 20;           // bytes; objects start at multiples of this
      std::uint64_t alignmentThreshold = 1 << 16;  // bytes; smaller objects are not aligned
      std::map<std::string, std::string> hints;    // MPI-IO hints (striping_factor, cray_cb_*, ...)
    } hdf5;
    // A stretch of file I/O that makes no progress for this long ends the job (0: never).
    double ioTimeoutMinutes = 10.0;
  } output;
  struct Checkpoint {
    std::uint64_t everySteps = 0;
    double everyMinutes = 0.0;
    std::uint64_t keep = 2;
  } checkpoint;
  struct Logging {
    std::string level = "info";
    double progressSeconds = 10.0;
    std::uint64_t reportEvery = 0;  // steps between "mean velocity" report lines; 0 = none
  } logging;
};

// A config as loaded: the values, where each key was set, and warnings that do not stop a run.
struct LoadedConfig {
  Config config;
  std::map<std::string, std::string> setAt;  // key path -> "file:line:column" or "--set key=value"
  std::vector<std::string> warnings;
};

// Reads a config file's text; an unreadable file is an InputError naming it.
std::string readConfigText(const std::string& path);

// A key's value given by a command-line option of its own, as a plain scalar (not read as YAML);
// `place` names the option as the user wrote it, in messages and in LoadedConfig::setAt (e.g.
// {"run.max_hours", "2", "--max-hours 2"}).
struct OptionValue {
  std::string key;
  std::string value;
  std::string place;
};

// Parses YAML text (`sourceName` names it in messages) and then applies `overrides` ("key=value",
// as given to --set) and then `options`, with the same checks. Throws InputError listing every
// problem found.
LoadedConfig parseConfig(const std::string& sourceName, const std::string& yamlText,
                         const std::vector<std::string>& overrides, const std::vector<OptionValue>& options = {});

// `loaded` once the road's length is known from init.from (a config that names init.from may leave
// road.cells out): sets road.cells to `cells` and checks again what depends on it (detectors, the
// space-time window, profile bins). Throws InputError listing every problem found.
LoadedConfig withRoadLength(LoadedConfig loaded, std::uint64_t cells, const std::string& sourceName);

// The resolved config as YAML, every key present (what `convoy validate` prints and runs store).
std::string toYaml(const Config& config);

// The keys whose values change the physics (road, model, init), with their values, one "key: value"
// per line; two runs may continue one another only if these are equal.
std::vector<std::string> physicsDifferences(const Config& a, const Config& b);

// The physics (road, model, init) as one 64-bit hash, stored in checkpoints.
std::uint64_t physicsHash(const Config& config);

std::string modelName(ModelType type);
// model.p_slow, or model.p_brake where it is not given.
double slowToStartProbability(const Config::Model& model);
std::string boundaryName(Boundary boundary);

}  // namespace convoy
