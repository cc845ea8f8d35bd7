// Restart checkpoints (SPEC.md): checkpoints/checkpoint_<step>.h5 holds all that a run needs to go on
// bit for bit, on any number of ranks: the road, the step, the time series so far and the interval
// left open, the resolved config and its physics hash, and the digest.
//
// Written collectively into checkpoint_<step>.h5.tmp, closed, read back and its digest recomputed,
// and only then renamed into place; only then are older checkpoints beyond `keep` deleted. A kill at
// any instant therefore leaves the previous checkpoint complete and valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convoy/comm.hpp"
#include "convoy/flow_ledger.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/road.hpp"

namespace convoy::io {

// What a checkpoint holds besides the road.
struct CheckpointState {
  std::uint64_t step = 0;
  std::uint64_t timeseriesEvery = 1;
  std::vector<FlowRow> rows;  // the whole time series up to `step` (held by rank 0 only when writing)
  FlowRow openRow;            // the interval open at `step`
};

struct CheckpointWrite {
  std::string path;
  std::uint64_t digest = 0;
  double seconds = 0.0;  // write, verify and rename, on rank 0's clock (the same on every rank)
};

std::string checkpointFileName(std::uint64_t step);

// Collective. Writes, verifies, renames, then prunes to the newest `keep` checkpoints.
CheckpointWrite writeCheckpoint(const Comm& comm, const std::string& directory, const Road& road,
                                const RunIdentity& identity, std::uint64_t physicsHash, const CheckpointState& state,
                                std::uint64_t keep,
                                const h5::Settings& settings);

// A checkpoint found valid: the state every rank needs (rows only on rank 0) and the config stored.
struct FoundCheckpoint {
  std::string path;
  std::string configYaml;
  std::uint64_t digest = 0;
  CheckpointState state;
};

// Collective: reads `path`, recomputes its digest from the road read back and compares it with the
// stored one. Returns the checkpoint, or the reason it is not valid.
struct CheckpointCheck {
  std::optional<FoundCheckpoint> checkpoint;
  std::string problem;
};
CheckpointCheck checkCheckpoint(const Comm& comm, const std::string& path);

// The checkpoint files of `directory`/checkpoints, newest (highest step) first.
std::vector<std::string> listCheckpoints(const std::string& directory);

}  // namespace convoy::io
