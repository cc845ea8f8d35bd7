// Restart checkpoints: checkpoints/checkpoint_<step>.h5 holds all that a run needs to go on bit for
// bit, on any number of ranks: the road, the step, the time-series interval left open, how many rows
// of timeseries.h5 and spacetime.h5 belong to it with their checksums, the resolved config and its
// physics hash, the digest, and a checksum over all of these (state_checksum), so that no field a
// restart uses can be damaged or edited unnoticed. Its size does not depend on the number of steps.
//
// Written collectively into checkpoint_<step>.h5.tmp, read back and checked as a restart would check
// it, and only then renamed into place; only then are older checkpoints beyond `keep` deleted. A
// kill at any instant therefore leaves the previous checkpoint complete and valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/model/flow_ledger.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy::io {

// The rows of a series file (timeseries.h5, spacetime.h5) that belong to a checkpoint.
struct SeriesMark {
  std::uint64_t rows = 0;
  std::uint64_t checksum = 0;  // of those rows (TimeseriesWriter, SpacetimeFile)
  bool operator==(const SeriesMark&) const = default;
};

// What a checkpoint holds besides the road.
struct CheckpointState {
  std::uint64_t step = 0;
  std::uint64_t timeseriesEvery = 1;
  FlowRow openRow;  // the interval open at `step`
  SeriesMark timeseries;
  SeriesMark spacetime;
};

struct CheckpointWrite {
  std::string path;
  std::uint64_t digest = 0;
  std::uint64_t bytes = 0;     // of the file written
  double writeSeconds = 0.0;   // writing it
  double verifySeconds = 0.0;  // reading it back and checking it
  double seconds = 0.0;        // all of it, renaming and pruning too, on rank 0's clock (shared)
};

std::string checkpointFileName(std::uint64_t step);

// Collective. Writes, verifies, renames, then prunes to the newest `keep` checkpoints. On failure
// every rank throws the same RuntimeError and no temporary file is left; the previous checkpoint
// is untouched.
CheckpointWrite writeCheckpoint(const Comm& comm, const std::string& directory, const Road& road,
                                const RunIdentity& identity, std::uint64_t physicsHash, const CheckpointState& state,
                                std::uint64_t keep, const h5::Settings& settings);

// A checkpoint whose every field passed its checks: the same on every rank.
struct FoundCheckpoint {
  std::string path;
  std::string configYaml;
  Config config;  // parsed from configYaml
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::uint64_t digest = 0;
  unsigned planes = 0;
  CheckpointState state;
};

// The checkpoint, or why it is not valid ("" when it is).
struct CheckpointCheck {
  std::optional<FoundCheckpoint> checkpoint;
  std::string problem;
};

// Collective. Every check of a checkpoint but its road's: it is a convoy checkpoint of this format;
// state_checksum matches every field; its config parses; the fields agree with the config and with
// each other (step = rows x timeseries_every + open_row_steps, ...). Never throws for a bad file.
CheckpointCheck checkCheckpointFields(const Comm& comm, const std::string& path);
// Collective: the road of a checkpoint that passed checkCheckpointFields, read (into `road` when
// given, loading it) and checked against its digest and car count; "" or the problem.
std::string checkCheckpointRoad(const Comm& comm, const FoundCheckpoint& checkpoint, Road* road);
// Both.
CheckpointCheck checkCheckpoint(const Comm& comm, const std::string& path);

// The checkpoint files of `directory`/checkpoints, newest (highest step) first.
std::vector<std::string> listCheckpoints(const std::string& directory);

}  // namespace convoy::io
