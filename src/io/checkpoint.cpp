#include "convoy/io/checkpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "convoy/core/checksum.hpp"
#include "convoy/core/counted.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/core/version.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/snapshot.hpp"
#include "convoy/io/state_file.hpp"
#include "convoy/io/velocity_planes.hpp"

namespace fs = std::filesystem;

namespace convoy::io {
namespace {

__extension__ typedef __int128 Wide;  // cars x vmax x steps may pass 2^63

constexpr const char* kPrefix = "checkpoint_";
constexpr const char* kSuffix = ".h5";

// Every field of a checkpoint but its road, in the order state_checksum covers them.
struct Fields {
  std::uint64_t format = format::kCheckpointFormat;
  std::string version;
  std::string config;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::string model;
  std::uint64_t step = 0;
  std::uint64_t digest = 0;
  std::string encoding;
  std::uint64_t planes = 0;
  std::uint64_t physicsHash = 0;
  std::uint64_t timeseriesEvery = 0;
  SeriesMark timeseries;
  SeriesMark spacetime;
  std::uint64_t detectors = 0;
  std::uint64_t openRowSteps = 0;
  std::int64_t openRowDistance = 0;
  std::vector<std::int64_t> openRowCounts;
  // An open road's checkpoint also keeps what its open row counted of the changing car number.
  bool openRoad = false;
  std::uint64_t openRowCarSteps = 0;
  std::int64_t openRowEntered = 0;
  std::int64_t openRowLeft = 0;
};

std::uint64_t checksumOf(const Fields& fields) {
  Checksum sum;
  sum.add(fields.format);
  sum.add(std::string_view(fields.version));
  sum.add(std::string_view(format::kCheckpoint));
  sum.add(std::string_view(fields.config));
  for (const std::uint64_t value : {fields.cells, fields.cars}) sum.add(value);
  sum.add(std::string_view(fields.model));
  for (const std::uint64_t value : {fields.step, fields.digest}) sum.add(value);
  sum.add(std::string_view(fields.encoding));
  for (const std::uint64_t value :
       {fields.planes, fields.physicsHash, fields.timeseriesEvery, fields.timeseries.rows, fields.timeseries.checksum,
        fields.spacetime.rows, fields.spacetime.checksum, fields.detectors, fields.openRowSteps}) {
    sum.add(value);
  }
  sum.add(fields.openRowDistance);
  for (const std::int64_t count : fields.openRowCounts) sum.add(count);
  if (fields.openRoad) {  // absent from ring roads' checkpoints, whose checksums stay as they were
    sum.add(fields.openRowCarSteps);
    sum.add(fields.openRowEntered);
    sum.add(fields.openRowLeft);
  }
  return sum.value();
}

StateContents contentsOf(const Fields& fields, const RunIdentity& identity) {
  StateContents contents;
  addIdentity(contents, format::kCheckpoint, identity);
  contents.attribute(format::kCheckpointFormatAttribute, fields.format);
  contents.attribute(format::kStepAttribute, fields.step);
  contents.attribute(format::kDigestAttribute, fields.digest);
  contents.attribute(format::kEncodingAttribute, fields.encoding);
  if (fields.planes > 0) contents.attribute(format::kPlanesAttribute, fields.planes);
  contents.attribute(format::kPhysicsHashAttribute, fields.physicsHash);
  contents.attribute(format::kTimeseriesEveryAttribute, fields.timeseriesEvery);
  contents.attribute(format::kTimeseriesRowsAttribute, fields.timeseries.rows);
  contents.attribute(format::kTimeseriesChecksumAttribute, fields.timeseries.checksum);
  contents.attribute(format::kSpacetimeRowsAttribute, fields.spacetime.rows);
  contents.attribute(format::kSpacetimeChecksumAttribute, fields.spacetime.checksum);
  contents.attribute(format::kDetectorsAttribute, fields.detectors);
  contents.attribute(format::kOpenRowStepsAttribute, fields.openRowSteps);
  contents.attribute(format::kOpenRowDistanceAttribute, fields.openRowDistance);
  if (fields.openRoad) {
    contents.attribute(format::kOpenRowCarStepsAttribute, fields.openRowCarSteps);
    contents.attribute(format::kOpenRowEnteredAttribute, fields.openRowEntered);
    contents.attribute(format::kOpenRowLeftAttribute, fields.openRowLeft);
  }
  contents.attribute(format::kStateChecksumAttribute, checksumOf(fields));
  contents.integerDatasets.emplace_back(format::kOpenRowCountsDataset, fields.openRowCounts);
  return contents;
}

// A convoy file of another kind where a checkpoint was wanted: where the checkpoints are.
std::string notACheckpoint(const std::string& path, const std::string& kind) {
  const fs::path folder = fs::path(path).parent_path() / format::kCheckpointsFolder;
  std::error_code error;
  const std::string where = fs::is_directory(folder, error) ? folder.string() + "/"
                                                            : std::string("the ") + format::kCheckpointsFolder +
                                                                  "/ folder of its run's output directory";
  const std::string snapshotNote = kind == format::kSnapshot ? " (a snapshot can start a new run with init.from)" : "";
  return "a convoy " + kind + " file, not a checkpoint" + snapshotNote + "; a run's checkpoints are in " + where;
}

// Rank 0 alone, serially: every field, read and checked. Throws (any exception) with the reason.
Fields readFields(const std::string& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) throw InputError("no such file");
  if (!h5::isHdf5File(path)) throw InputError("not an HDF5 file (truncated or damaged?)");
  const h5::OpenFile file = h5::openSerial(path, h5::Access::ReadOnly);
  if (!h5::hasAttribute(file, format::kKindAttribute)) {
    throw InputError("not a convoy file (it has no 'kind' attribute)");
  }
  const std::string kind = h5::readAttribute<std::string>(file, format::kKindAttribute);
  if (kind != format::kCheckpoint) throw InputError(notACheckpoint(path, kind));
  Fields fields;
  fields.version = h5::readAttribute<std::string>(file, format::kVersionAttribute);
  if (!h5::hasAttribute(file, format::kCheckpointFormatAttribute)) {
    const bool formatOne = h5::hasDataset(file, std::string(format::kFormat1TimeseriesGroup) + "/step");
    throw InputError(formatOne ? "a checkpoint of convoy " + fields.version +
                                     " (format 1, the time series inside it), which convoy " + kVersion +
                                     " cannot continue; finish the run with convoy " + fields.version +
                                     ", or start it afresh in a new output directory"
                               : "it has no 'checkpoint_format' attribute");
  }
  fields.format = h5::readAttribute<std::uint64_t>(file, format::kCheckpointFormatAttribute);
  if (fields.format != format::kCheckpointFormat) {
    throw InputError("checkpoint format " + std::to_string(fields.format) + ", which convoy " + kVersion +
                     " does not know (it reads format " + std::to_string(format::kCheckpointFormat) + ")");
  }
  fields.config = h5::readAttribute<std::string>(file, format::kConfigAttribute);
  fields.cells = h5::readAttribute<std::uint64_t>(file, format::kCellsAttribute);
  fields.cars = h5::readAttribute<std::uint64_t>(file, format::kCarsAttribute);
  fields.model = h5::readAttribute<std::string>(file, format::kModelAttribute);
  fields.step = h5::readAttribute<std::uint64_t>(file, format::kStepAttribute);
  fields.digest = h5::readAttribute<std::uint64_t>(file, format::kDigestAttribute);
  fields.encoding = h5::readAttribute<std::string>(file, format::kEncodingAttribute);
  fields.planes = h5::hasAttribute(file, format::kPlanesAttribute)
                      ? h5::readAttribute<std::uint64_t>(file, format::kPlanesAttribute)
                      : 0;
  fields.physicsHash = h5::readAttribute<std::uint64_t>(file, format::kPhysicsHashAttribute);
  fields.timeseriesEvery = h5::readAttribute<std::uint64_t>(file, format::kTimeseriesEveryAttribute);
  fields.timeseries = {h5::readAttribute<std::uint64_t>(file, format::kTimeseriesRowsAttribute),
                       h5::readAttribute<std::uint64_t>(file, format::kTimeseriesChecksumAttribute)};
  fields.spacetime = {h5::readAttribute<std::uint64_t>(file, format::kSpacetimeRowsAttribute),
                      h5::readAttribute<std::uint64_t>(file, format::kSpacetimeChecksumAttribute)};
  fields.detectors = h5::readAttribute<std::uint64_t>(file, format::kDetectorsAttribute);
  fields.openRowSteps = h5::readAttribute<std::uint64_t>(file, format::kOpenRowStepsAttribute);
  fields.openRowDistance = h5::readAttribute<std::int64_t>(file, format::kOpenRowDistanceAttribute);
  fields.openRowCounts =
      h5::readWhole<std::int64_t>(h5::openDataset(file, format::kOpenRowCountsDataset, path), format::kMostDetectors,
                                  "/" + std::string(format::kOpenRowCountsDataset));
  fields.openRoad = h5::hasAttribute(file, format::kOpenRowCarStepsAttribute);
  if (fields.openRoad) {
    fields.openRowCarSteps = h5::readAttribute<std::uint64_t>(file, format::kOpenRowCarStepsAttribute);
    fields.openRowEntered = h5::readAttribute<std::int64_t>(file, format::kOpenRowEnteredAttribute);
    fields.openRowLeft = h5::readAttribute<std::int64_t>(file, format::kOpenRowLeftAttribute);
  }
  if (checksumOf(fields) != h5::readAttribute<std::uint64_t>(file, format::kStateChecksumAttribute)) {
    throw InputError("its fields do not match their checksum (state_checksum): the file was damaged or edited");
  }
  return fields;
}

// What must hold between the fields and the stored config; the first rule broken, or "".
std::string inconsistency(const Fields& fields, const Config& config) {
  const auto mismatch = [](const std::string& what, const auto& stored, const auto& expected) {
    return what + " is " + fmt::format("{}", stored) + " but should be " + fmt::format("{}", expected);
  };
  const bool nasch = config.model.type == ModelType::Nasch;
  const unsigned planes = nasch ? format::planesFor(config.model.vmax) : 0;
  const std::uint64_t vmax = nasch ? config.model.vmax : 1;
  const std::uint64_t every = fields.timeseriesEvery;
  if (fields.cells != config.road.cells) return mismatch("cells", fields.cells, config.road.cells);
  if (fields.cars > fields.cells) return mismatch("cars", fields.cars, "at most cells");
  if (fields.model != modelName(config.model.type))
    return mismatch("model", fields.model, modelName(config.model.type));
  if (format::encodingName(fields.encoding) != (nasch ? format::kPlanesEncodingName : format::kBitsEncodingName)) {
    return "encoding names " + format::encodingName(fields.encoding) + ", not the encoding of a " + fields.model +
           " road";
  }
  if (fields.planes != planes) return mismatch("velocity_planes", fields.planes, planes);
  if (fields.physicsHash != physicsHash(config))
    return mismatch("physics_hash", fields.physicsHash, physicsHash(config));
  if (every != config.output.timeseriesEvery) return mismatch("timeseries_every", every, config.output.timeseriesEvery);
  if (fields.step > format::kMostCells) return mismatch("step", fields.step, "at most 2^62");
  if (fields.openRowSteps >= every)
    return mismatch("open_row_steps", fields.openRowSteps, "less than timeseries_every");
  if (fields.timeseries.rows > fields.step / every ||
      fields.timeseries.rows * every + fields.openRowSteps != fields.step) {
    return "step (" + std::to_string(fields.step) + ") is not timeseries_rows x timeseries_every + open_row_steps (" +
           std::to_string(fields.timeseries.rows) + " x " + std::to_string(every) + " + " +
           std::to_string(fields.openRowSteps) + ")";
  }
  if (fields.detectors != config.output.detectors.size() || fields.openRowCounts.size() != fields.detectors) {
    return "detectors (" + std::to_string(fields.detectors) + ", with " + std::to_string(fields.openRowCounts.size()) +
           " open-row counts) does not match the config's " + std::to_string(config.output.detectors.size());
  }
  const bool open = config.road.boundary == Boundary::Open;
  if (fields.openRoad != open) {
    return std::string(open ? "it lacks " : "it has ") + format::kOpenRowCarStepsAttribute +
           ", which the checkpoints of " + (open ? "open" : "ring") + " roads " + (open ? "have" : "do not have");
  }
  // On an open road the cars come and go: at most one per cell was on it at any step.
  const std::uint64_t mostCars = open ? fields.cells : fields.cars;
  const Wide mostDistance = static_cast<Wide>(mostCars) * vmax * fields.openRowSteps;
  if (fields.openRowDistance < 0 || static_cast<Wide>(fields.openRowDistance) > mostDistance) {
    return "open_row_distance (" + std::to_string(fields.openRowDistance) + ") is not what " +
           counted(mostCars, "car") + " can travel in " + counted(fields.openRowSteps, "step");
  }
  if (open) {
    const auto perStep = [&](std::int64_t count) {
      return count >= 0 && static_cast<std::uint64_t>(count) <= fields.openRowSteps;
    };
    if (!perStep(fields.openRowEntered) || !perStep(fields.openRowLeft)) {
      return "open_row_entered (" + std::to_string(fields.openRowEntered) + ") or open_row_left (" +
             std::to_string(fields.openRowLeft) + ") is not between 0 and open_row_steps (one car per step at most)";
    }
    if (static_cast<Wide>(fields.openRowCarSteps) > static_cast<Wide>(fields.cells) * fields.openRowSteps) {
      return "open_row_car_steps (" + std::to_string(fields.openRowCarSteps) + ") is more than cells x open_row_steps";
    }
  }
  for (const std::int64_t count : fields.openRowCounts) {
    // At most one car passes a point in a step (cars never overtake).
    if (count < 0 || static_cast<std::uint64_t>(count) > fields.openRowSteps) {
      return "an open-row detector count (" + std::to_string(count) + ") is not between 0 and open_row_steps";
    }
  }
  const std::uint64_t window = config.output.spacetime.every;
  if (window == 0 ? fields.spacetime.rows != 0 : fields.spacetime.rows > fields.step / window + 1) {
    return "spacetime_rows (" + std::to_string(fields.spacetime.rows) + ") is more than the window can hold";
  }
  return "";
}

// Collective: rank 0's fields, on every rank.
Fields shared(const Comm& comm, Fields fields) {
  struct Numbers {
    std::uint64_t format, cells, cars, step, digest, planes, physicsHash, timeseriesEvery;
    SeriesMark timeseries, spacetime;
    std::uint64_t detectors, openRowSteps;
    std::int64_t openRowDistance;
    std::uint64_t openRoad, openRowCarSteps;
    std::int64_t openRowEntered, openRowLeft;
  };
  Numbers numbers{fields.format,
                  fields.cells,
                  fields.cars,
                  fields.step,
                  fields.digest,
                  fields.planes,
                  fields.physicsHash,
                  fields.timeseriesEvery,
                  fields.timeseries,
                  fields.spacetime,
                  fields.detectors,
                  fields.openRowSteps,
                  fields.openRowDistance,
                  fields.openRoad ? 1U : 0U,
                  fields.openRowCarSteps,
                  fields.openRowEntered,
                  fields.openRowLeft};
  numbers = comm.broadcast(numbers);
  Fields all;
  all.format = numbers.format;
  all.cells = numbers.cells;
  all.cars = numbers.cars;
  all.step = numbers.step;
  all.digest = numbers.digest;
  all.planes = numbers.planes;
  all.physicsHash = numbers.physicsHash;
  all.timeseriesEvery = numbers.timeseriesEvery;
  all.timeseries = numbers.timeseries;
  all.spacetime = numbers.spacetime;
  all.detectors = numbers.detectors;
  all.openRowSteps = numbers.openRowSteps;
  all.openRowDistance = numbers.openRowDistance;
  all.openRoad = numbers.openRoad != 0;
  all.openRowCarSteps = numbers.openRowCarSteps;
  all.openRowEntered = numbers.openRowEntered;
  all.openRowLeft = numbers.openRowLeft;
  all.version = comm.broadcast(fields.version);
  all.config = comm.broadcast(fields.config);
  all.model = comm.broadcast(fields.model);
  all.encoding = comm.broadcast(fields.encoding);
  all.openRowCounts = comm.broadcast(std::move(fields.openRowCounts));
  return all;
}

void pruneOlder(const std::string& directory, std::uint64_t keep) {
  const std::vector<std::string> checkpoints = listCheckpoints(directory);
  for (std::size_t i = keep; i < checkpoints.size(); ++i) {
    std::error_code error;
    fs::remove(checkpoints[i], error);
    if (error) spdlog::warn("cannot delete the old checkpoint {}: {}", checkpoints[i], error.message());
  }
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string checkpointFileName(std::uint64_t step) { return fmt::format("{}{:012}{}", kPrefix, step, kSuffix); }

std::vector<std::string> listCheckpoints(const std::string& directory) {
  std::vector<std::pair<std::uint64_t, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::path(directory) / format::kCheckpointsFolder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || !name.ends_with(kSuffix)) continue;
    const std::string step = name.substr(std::string(kPrefix).size(),
                                         name.size() - std::string(kPrefix).size() - std::string(kSuffix).size());
    if (step.size() != 12 || step.find_first_not_of("0123456789") != std::string::npos) continue;
    found.emplace_back(std::stoull(step), entry.path().string());
  }
  std::sort(found.rbegin(), found.rend());
  std::vector<std::string> paths;
  for (auto& [step, path] : found) paths.push_back(std::move(path));
  return paths;
}

CheckpointWrite writeCheckpoint(const Comm& comm, const std::string& directory, const Road& road,
                                const RunIdentity& identity, std::uint64_t physicsHash, const CheckpointState& state,
                                std::uint64_t keep, const h5::Settings& settings) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path folder = fs::path(directory) / format::kCheckpointsFolder;
  CheckpointWrite written;
  written.path = (folder / checkpointFileName(state.step)).string();
  written.digest = road.globalDigest();
  const std::string temporary = written.path + format::kTemporarySuffix;
  comm.onRootThenShareErrors([&] {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw RuntimeError("cannot create " + folder.string() + ": " + error.message());
  });
  Fields fields;
  fields.version = kVersion;
  fields.config = identity.configYaml;
  fields.cells = identity.cells;
  fields.cars = identity.cars;
  fields.model = identity.model;
  fields.step = state.step;
  fields.digest = written.digest;
  fields.encoding = roadEncoding(road);
  fields.planes = road.velocityPlanes();
  fields.physicsHash = physicsHash;
  fields.timeseriesEvery = state.timeseriesEvery;
  fields.timeseries = state.timeseries;
  fields.spacetime = state.spacetime;
  fields.detectors = state.openRow.detectorCounts.size();
  fields.openRowSteps = state.openRow.steps;
  fields.openRowDistance = state.openRow.distance;
  fields.openRowCounts = state.openRow.detectorCounts;
  fields.openRoad = road.open();
  fields.openRowCarSteps = state.openRow.carSteps;
  fields.openRowEntered = state.openRow.entered;
  fields.openRowLeft = state.openRow.left;
  const StateFileWrite file =
      writeStateFile(comm, temporary, road, identity.cells, contentsOf(fields, identity), settings, Durability::Disk);
  written.bytes = file.bytes;
  written.writeSeconds = comm.broadcast(file.seconds);
  const auto verifyStart = std::chrono::steady_clock::now();
  const CheckpointCheck check = checkCheckpoint(comm, temporary);
  if (!check.checkpoint) {
    removeQuietly(comm, temporary);
    throw RuntimeError("the checkpoint " + temporary + " did not verify after writing: " + check.problem,
                       ErrorScope::AllRanks);
  }
  written.verifySeconds = comm.broadcast(secondsSince(verifyStart));
  renameIntoPlace(comm, temporary, written.path, Durability::Disk);
  if (comm.isRoot()) pruneOlder(directory, keep);
  written.seconds = comm.broadcast(secondsSince(start));
  return written;
}

CheckpointCheck checkCheckpointFields(const Comm& comm, const std::string& path) {
  Fields fields;
  std::string problem;
  Config config;
  if (comm.isRoot()) {
    try {
      fields = readFields(path);
      config = parseConfig(path + " (its config attribute)", fields.config, {}).config;
      problem = inconsistency(fields, config);
    } catch (const InputError& error) {
      problem = error.what();
    } catch (const std::exception& error) {  // h5::Error, and anything a damaged file may cause
      problem = error.what();
    }
  }
  problem = comm.broadcast(problem);
  if (!problem.empty()) return {std::nullopt, problem};
  fields = shared(comm, std::move(fields));
  FoundCheckpoint found;
  found.path = path;
  found.configYaml = fields.config;
  // Every rank parses the same text and gets the same config (rank 0 already found it valid).
  found.config = parseConfig(path + " (its config attribute)", fields.config, {}).config;
  found.cells = fields.cells;
  found.cars = fields.cars;
  found.digest = fields.digest;
  found.planes = static_cast<unsigned>(fields.planes);
  found.state.step = fields.step;
  found.state.timeseriesEvery = fields.timeseriesEvery;
  found.state.openRow.steps = fields.openRowSteps;
  found.state.openRow.distance = fields.openRowDistance;
  found.state.openRow.detectorCounts = fields.openRowCounts;
  // A ring road's cars never change: its open row's car-steps follow from them.
  found.state.openRow.carSteps = fields.openRoad ? fields.openRowCarSteps : fields.cars * fields.openRowSteps;
  found.state.openRow.entered = fields.openRowEntered;
  found.state.openRow.left = fields.openRowLeft;
  found.state.timeseries = fields.timeseries;
  found.state.spacetime = fields.spacetime;
  return {std::move(found), ""};
}

std::string checkCheckpointRoad(const Comm& comm, const FoundCheckpoint& checkpoint, Road* road) {
  try {
    StateSums sums;
    std::vector<std::span<std::uint64_t>> layers;
    if (road != nullptr) layers = layersOf(*road);
    sums =
        readStateRoad(comm, checkpoint.path, Decomposition(checkpoint.cells, comm.size()), checkpoint.planes, layers);
    if (sums.paddingWords > 0) return "its road has bits set past the last cell";
    if (sums.strayVelocities > 0) return "its velocity planes have velocities on cells without a car";
    if (sums.cars != checkpoint.cars) {
      return fmt::format("its road holds {} cars, not the {} it records", sums.cars, checkpoint.cars);
    }
    const std::uint64_t digest = sums.digest(checkpoint.cells);
    if (digest != checkpoint.digest) {
      return fmt::format("its road does not match its digest (stored {:016x}, recomputed {:016x})", checkpoint.digest,
                         digest);
    }
    if (road != nullptr && checkpoint.config.model.type == ModelType::Nasch &&
        wordsAboveVmax(comm, *road, static_cast<unsigned>(checkpoint.config.model.vmax)) > 0) {
      return "its velocity planes hold velocities above model.vmax";
    }
  } catch (const RuntimeError& error) {  // every rank alike: comm.agree shared it
    return error.what();
  }
  return "";
}

CheckpointCheck checkCheckpoint(const Comm& comm, const std::string& path) {
  CheckpointCheck check = checkCheckpointFields(comm, path);
  if (!check.checkpoint) return check;
  const std::string problem = checkCheckpointRoad(comm, *check.checkpoint, nullptr);
  if (!problem.empty()) return {std::nullopt, problem};
  return check;
}

}  // namespace convoy::io
