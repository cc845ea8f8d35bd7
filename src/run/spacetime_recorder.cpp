#include "convoy/run/spacetime_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>

#include "convoy/core/counted.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/io/format.hpp"

namespace convoy {

using io::SpacetimeFile;
namespace {

// Rows gathered at most per meeting: about 16 MiB of window, whatever its width.
constexpr std::uint64_t kGatherBytes = std::uint64_t{1} << 24;

std::uint64_t piecesWidth(const std::vector<WindowPiece>& pieces) {
  std::uint64_t width = 0;
  for (const WindowPiece& piece : pieces) width += piece.count;
  return width;
}

}  // namespace

std::vector<WindowPiece> windowPieces(const SpacetimeWindow& window, std::uint64_t cells, CellRange range) {
  // The window as at most two intervals of cells: up to the end of the road, then from cell 0.
  const std::uint64_t firstPart = std::min(window.width, cells - window.start);
  const std::array<WindowPiece, 2> parts{WindowPiece{0, window.start, firstPart},
                                         WindowPiece{firstPart, 0, window.width - firstPart}};
  std::vector<WindowPiece> pieces;
  for (const WindowPiece& part : parts) {
    const std::uint64_t begin = std::max(part.cellOffset, range.begin);
    const std::uint64_t end = std::min(part.cellOffset + part.count, range.end);
    if (begin < end) pieces.push_back({part.column + (begin - part.cellOffset), begin - range.begin, end - begin});
  }
  return pieces;
}

SpacetimeRecorder::SpacetimeRecorder(const Comm& comm, const Config& config, Simulation& simulation,
                                     const io::RunIdentity& identity, const SeriesStart& series)
    : comm_(comm),
      simulation_(simulation),
      window_(config.output.spacetime),
      cells_(config.road.cells),
      decomposition_(simulation.decomposition()),
      pieces_(windowPieces(window_, cells_, simulation.road().range())) {
  const std::uint64_t startStep = simulation.startStep();
  const std::string path = (std::filesystem::path(config.output.directory) / io::format::kSpacetimeFile).string();
  comm.onRootThenShareErrors([&] {
    if (series.spacetime) {
      file_.emplace(SpacetimeFile::continueAt(path, window_, *series.spacetime, series.spacetimeLastStep));
      return;
    }
    if (series.moveSpacetimeAside) {
      spdlog::warn("{} records another window; moved it to {} and began a new one at step {}", path,
                   io::moveAside(path), startStep);
    }
    file_.emplace(SpacetimeFile::create(path, identity, window_));
  });
  // Known on every rank (the verified rows themselves only on rank 0, which writes).
  const std::int64_t lastStoredStep = series.spacetimeLastStep;
  // The starting road is a row if its step is due and not already stored by an earlier segment.
  if (startStep % window_.every == 0 && lastStoredStep < static_cast<std::int64_t>(startStep)) sample(startStep);

  simulation.sampleAtEveryMultipleOf(window_.every, [this](std::uint64_t step) { sample(step); });
  simulation.onFlowBlock([this](const FlowBlock&) { gather(); });
  // Meetings at least every so many rows bound what a gather moves, however wide the window.
  const std::uint64_t rowsPerGather = std::max<std::uint64_t>(1, kGatherBytes / window_.width);
  const std::uint64_t maxEvery = std::numeric_limits<std::uint64_t>::max() / rowsPerGather;
  simulation.atEveryMultipleOf(window_.every <= maxEvery ? window_.every * rowsPerGather : 0, [](std::uint64_t) {});
}

void SpacetimeRecorder::sample(std::uint64_t step) {
  sampledSteps_.push_back(static_cast<std::int64_t>(step));
  const std::span<const std::uint64_t> words = simulation_.road().words();
  for (const WindowPiece& piece : pieces_) {
    for (std::uint64_t i = piece.cellOffset; i < piece.cellOffset + piece.count; ++i) {
      sampledCells_.push_back(
          static_cast<std::uint8_t>((words[i / packed::kCellsPerWord] >> (i % packed::kCellsPerWord)) & 1));
    }
  }
}

void SpacetimeRecorder::gather() {
  // Every rank sampled the same steps, so all take part in the gather or none does.
  if (sampledSteps_.empty()) return;
  const std::vector<std::vector<std::uint8_t>> parts = comm_.gatherToRoot(sampledCells_);
  const std::uint64_t rows = sampledSteps_.size();
  comm_.onRootThenShareErrors([&] {
    std::vector<std::uint8_t> occupancy(rows * window_.width);
    for (int rank = 0; rank < comm_.size(); ++rank) {
      const std::vector<WindowPiece> pieces = windowPieces(window_, cells_, decomposition_.range(rank));
      const std::uint64_t width = piecesWidth(pieces);
      const std::vector<std::uint8_t>& part = parts[static_cast<std::size_t>(rank)];
      for (std::uint64_t row = 0; row < rows; ++row) {
        auto from = part.begin() + static_cast<std::ptrdiff_t>(row * width);
        for (const WindowPiece& piece : pieces) {
          std::copy_n(from, piece.count,
                      occupancy.begin() + static_cast<std::ptrdiff_t>(row * window_.width + piece.column));
          from += static_cast<std::ptrdiff_t>(piece.count);
        }
      }
    }
    file_->append(sampledSteps_, occupancy);
  });
  sampledSteps_.clear();
  sampledCells_.clear();
}

void SpacetimeRecorder::flush(h5::Durability durability) {
  if (file_) file_->flush(durability);
}

void SpacetimeRecorder::finish() {
  gather();
  comm_.onRootThenShareErrors([&] {
    file_->close();
    spdlog::info("space-time window: {} of {} in {}", counted(file_->rows(), "row"), counted(window_.width, "cell"),
                 file_->path());
  });
}

}  // namespace convoy
