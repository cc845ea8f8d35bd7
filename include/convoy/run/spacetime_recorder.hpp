// Records the space-time window (output.spacetime) during a run: every rank copies its cells of the
// window after each sampled step, with no communication; at the ranks' regular meetings rank 0
// gathers the rows and appends them to spacetime.h5.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/io/spacetime_file.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/restart.hpp"
#include "convoy/run/simulation.hpp"

namespace convoy {

using io::SeriesMark;
using io::SpacetimeWindow;

// A run of consecutive window columns held by one rank: columns column .. column + count - 1 are
// the cells range.begin + cellOffset .. of that rank's range.
struct WindowPiece {
  std::uint64_t column = 0;
  std::uint64_t cellOffset = 0;
  std::uint64_t count = 0;
};

// The pieces of the window (cells start + k modulo `cells`, k < width) that lie in `range`, in
// column order (at most two: the window may wrap around the end of the road).
std::vector<WindowPiece> windowPieces(const SpacetimeWindow& window, std::uint64_t cells, CellRange range);

class SpacetimeRecorder {
 public:
  // Collective. Creates spacetime.h5 on rank 0, or continues it after the verified rows of
  // `series` (a restart), and registers with the simulation. The starting road is a row when its
  // step is due and the file does not hold it already.
  SpacetimeRecorder(const Comm& comm, const Config& config, Simulation& simulation, const io::RunIdentity& identity,
                    const SeriesStart& series);
  // Rank 0: flushes the file (the caller makes this collective-safe).
  void flush(h5::Durability durability = h5::Durability::PageCache);
  // Rank 0: the rows on disk and their checksum.
  SeriesMark mark() const { return file_ ? file_->mark() : SeriesMark{}; }
  // Collective: gathers the rows not yet written, writes them and closes the file.
  void finish();

 private:
  void sample(std::uint64_t step);
  void gather();

  const Comm& comm_;
  const Simulation& simulation_;
  SpacetimeWindow window_;
  std::uint64_t cells_;
  Decomposition decomposition_;
  std::vector<WindowPiece> pieces_;         // this rank's
  std::vector<std::int64_t> sampledSteps_;  // since the last gather, alike on every rank
  std::vector<std::uint8_t> sampledCells_;  // this rank's cells of those rows
  std::optional<io::SpacetimeFile> file_;   // rank 0 only
};

}  // namespace convoy
