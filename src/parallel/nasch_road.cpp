#include "convoy/parallel/nasch_road.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include "convoy/core/counted.hpp"
#include "convoy/core/digest.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/model/braking.hpp"
#include "convoy/model/nasch_sweep.hpp"

namespace convoy {
namespace {

// The halo message layout: `words` occupancy words, then the planes' `words` words each (the layout
// of a nasch::State of that many words).
nasch::ConstLayers asLayers(const std::vector<std::uint64_t>& message, std::uint64_t words) {
  return {std::span<const std::uint64_t>(message).first(words), std::span<const std::uint64_t>(message).subspan(words)};
}
nasch::Layers asLayers(std::vector<std::uint64_t>& message, std::uint64_t words) {
  return {std::span<std::uint64_t>(message).first(words), std::span<std::uint64_t>(message).subspan(words)};
}

// Words [first, first + to.words) of every layer of `from` into `to` (a deep-halo message has the
// layout of a Road of D words: occupancy, then the planes).
void copyWords(nasch::ConstLayers from, std::uint64_t first, nasch::Layers to) {
  const std::uint64_t words = to.words();
  const std::uint64_t planes = words == 0 ? 0 : to.velocity.size() / words;
  const auto at = [](std::uint64_t i) { return static_cast<std::ptrdiff_t>(i); };
  std::copy(from.occupancy.begin() + at(first), from.occupancy.begin() + at(first + words), to.occupancy.begin());
  for (std::uint64_t b = 0; b < planes; ++b) {
    const auto source = from.velocity.begin() + at(b * from.words() + first);
    std::copy(source, source + at(words), to.velocity.begin() + at(b * words));
  }
}

// `from` (every layer) into words [first, first + from.words) of `to`: copyWords the other way.
void placeWords(nasch::ConstLayers from, nasch::Layers to, std::uint64_t first) {
  const std::uint64_t words = from.words();
  const std::uint64_t planes = words == 0 ? 0 : from.velocity.size() / words;
  const auto at = [](std::uint64_t i) { return static_cast<std::ptrdiff_t>(i); };
  std::copy(from.occupancy.begin(), from.occupancy.end(), to.occupancy.begin() + at(first));
  for (std::uint64_t b = 0; b < planes; ++b) {
    const auto source = from.velocity.begin() + at(b * words);
    std::copy(source, source + at(words), to.velocity.begin() + at(b * to.words() + first));
  }
}

}  // namespace

NaschRoad::NaschRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
                     std::uint64_t sweepTileWords)
    : Road(comm, decomposition, openEndsOf(config)),
      model_{static_cast<unsigned>(config.model.vmax), braking::threshold(config.model.pBrake), config.init.seed,
             braking::threshold(slowToStartProbability(config.model))},
      planes_(nasch::velocityPlanes(model_.vmax)),
      placement_{decomposition.cells(), range_.begin / packed::kCellsPerWord, packed::wordsFor(range_.cells())},
      wholeRing_(!open() && !range_.empty() && decomposition.leftNeighbour(comm.rank()) == comm.rank()),
      current_(placement_.words, planes_),
      next_(placement_.words, planes_),
      sweepTileWords_(sweepTileWords) {
  if (!naschRanksFit(decomposition, model_.vmax)) {
    throw InputError("model.vmax = " + std::to_string(model_.vmax) + " needs every rank to own at least " +
                     counted(model_.vmax, "cell") + ", but the road of " + counted(decomposition.cells(), "cell") +
                     " on " + counted(static_cast<std::uint64_t>(comm.size()), "rank") + " leaves a rank only " +
                     std::to_string(decomposition.fewestCells()) + "; run on at most " +
                     counted(static_cast<std::uint64_t>(mostNaschRanks(decomposition.cells(), model_.vmax)), "rank") +
                     " (the most this road allows), or use a longer road");
  }
  // Deep halos: each rank also steps the D words before and after its own (received from its
  // neighbours), k steps per exchange, with empty cells beyond them. A cell's new state depends only
  // on the cells from vmax behind it to vmax ahead of it (the cars that may land on it, and the gaps
  // they see), so after t steps the cells at least t vmax cells inside the 64 D-cell extensions are
  // still exact. The distance of step t needs the new velocities of the cars that start it in this
  // rank's cells, which depend on the cells up to vmax past them in the state after t - 1 steps: exact
  // when 64 D >= t vmax. So k = floor(64 D / vmax) (capped at 64) steps keep both the own cells and
  // every step's distance exact; detectors look at own cells only. The kernel's own H-word halos of
  // the own segment are cut from the extensions by cell (edgeCellsInto, so the ring's end may fall
  // inside one; an extension has at least 2 vmax cells whenever k >= 2), and the outer halos of the
  // extensions are empty (their wrong cells are what the bound above allows for). The extensions are
  // a neighbour's global words (the braking numbers are keyed by them). On a road that ends mid-word,
  // the extension left of rank 0 holds the partial last word, so it has only 64 D - m cells (m the
  // cells that word lacks), is stepped like the segment that owns that word, and bounds k by
  // k vmax <= 64 D - m. It applies when every rank decides alike that it can
  // (planNaschHalos): every owning rank owns at least D whole words (an extension comes from one
  // neighbour, or from the ring's other end when one rank owns it all); and k >= 2. Otherwise: one
  // exchange of H words per step. The k steps after the first are swept tile by tile (nasch_sweep.hpp).
  // An open road's ends act after every step: one exchange per step (and the ends' halos of their own).
  // Ranks that own nothing take the plan too, and never step.
  plan_ = open() ? NaschHaloPlan{} : planNaschHalos(model_.vmax, decomposition.cells(), decomposition.fewestCells());
  const std::uint64_t haloWords = nasch::haloWords(model_.vmax);
  emptyHalo_ = nasch::State(haloWords, planes_);
  if (open()) {
    wallHalo_ = emptyHalo_;
    packed::setCell(wallHalo_.occupancy, 0, true);  // a car standing just after the last cell
  }
  // The first step after an exchange overlaps it (stepOverlapped) when the edge pieces of H words
  // do not meet: this rank's decision alone, since the messages are the same either way.
  // The last piece holds the vmax cells before the end: one word more when the road ends mid-word.
  const std::uint64_t lastPieceWords = haloWords + (placement_.endCell() % packed::kCellsPerWord != 0 ? 1 : 0);
  // (Nothing to overlap without a neighbour: an open road on one rank.)
  const bool hasNeighbour = leftNeighbour() != Comm::kNoNeighbour || rightNeighbour() != Comm::kNoNeighbour;
  overlapFirstStep_ = !wholeRing_ && !range_.empty() && hasNeighbour && placement_.words >= haloWords + lastPieceWords;
  overlapEveryStep_ = overlapFirstStep_ && placement_.words >= kOverlapEveryStepWords;
  firstEdge_ = EdgePiece(haloWords, haloWords, planes_);
  lastEdge_ = EdgePiece(lastPieceWords, haloWords, planes_);
  const std::uint64_t deepWords = plan_.deepWords;
  if (deepWords > 0 && !range_.empty()) {
    const std::uint64_t roadWords = packed::wordsFor(decomposition.cells());
    leftPlacement_ = {decomposition.cells(), (placement_.firstWord + roadWords - deepWords) % roadWords, deepWords};
    rightPlacement_ = {decomposition.cells(), (placement_.firstWord + placement_.words) % roadWords, deepWords};
    for (auto* extension : {&left_, &right_, &nextLeft_, &nextRight_}) *extension = nasch::State(deepWords, planes_);
    for (auto* halo : {&ownLeftHalo_, &ownRightHalo_, &leftInnerHalo_, &rightInnerHalo_}) {
      *halo = nasch::State(haloWords, planes_);
    }
  }
  sizeHaloMessages((deepWords > 0 ? deepWords : nasch::haloWords(model_.vmax)) * (1 + planes_));
}

std::span<const std::uint64_t> NaschRoad::velocityPlane(unsigned plane) const {
  return std::span<const std::uint64_t>(current_.velocity).subspan(plane * placement_.words, placement_.words);
}

std::span<std::uint64_t> NaschRoad::velocityPlane(unsigned plane) {
  return std::span<std::uint64_t>(current_.velocity).subspan(plane * placement_.words, placement_.words);
}

std::uint64_t NaschRoad::step(std::uint64_t step, std::uint64_t j) {
  if (wholeRing_) return nasch::stepRing(model_, step, placement_.roadCells, current_.view(), next_.view());
  const std::uint64_t cells = range_.cells();
  const std::uint64_t haloWords = nasch::haloWords(model_.vmax);
  nasch::edgeCellsInto(current_.view(), cells, model_.vmax, nasch::Edge::First, asLayers(toLeft_, haloWords));
  nasch::edgeCellsInto(current_.view(), cells, model_.vmax, nasch::Edge::Last, asLayers(toRight_, haloWords));
  PendingExchange pending = startHaloExchange();
  // An open road: nothing comes from before cell 0, and a standing car waits after the last cell.
  const auto halos = [&] {
    return ReceivedHalos{open() && ownsFirstCell() ? emptyHalo_.view() : asLayers(std::as_const(fromLeft_), haloWords),
                         open() && ownsLastCell() ? wallHalo_.view() : asLayers(std::as_const(fromRight_), haloWords)};
  };
  const std::uint64_t distance = stepOverlapped(step, pending, halos, overlapEveryStep_);
  return open() ? distance + actAtEnds(step, j) : distance;
}

// While the halos travel, the segment is stepped with empty stand-ins for them; only cells within
// vmax of an end can tell the difference (a car moves at most vmax cells and looks at most vmax
// ahead), all in the first and last H words. Once the halos are in, those two edge pieces are
// stepped again, alone, with the halos that arrived and the cells beside them, and put in place; the
// distance trades the stand-in's count of their cars for the true one (modulo 2^64, exactly). The
// braking numbers are keyed by global word, so a piece steps as it would inside the segment.
template <typename Received>
std::uint64_t NaschRoad::stepOverlapped(std::uint64_t step, PendingExchange& pending, const Received& received,
                                        bool overlap) {
  if (!overlap) {
    pending.wait();
    const ReceivedHalos halos = received();
    return nasch::stepSegment(model_, step, placement_, current_.view(), halos.left, halos.right, next_.view());
  }
  std::uint64_t distance =
      nasch::stepSegment(model_, step, placement_, current_.view(), emptyHalo_.view(), emptyHalo_.view(), next_.view());
  pending.wait();
  const ReceivedHalos halos = received();
  distance += restepEdge(step, nasch::Edge::First, halos.left);
  distance += restepEdge(step, nasch::Edge::Last, halos.right);
  return distance;
}

// The first (or last) words of the segment, at least vmax cells, stepped again with `halo` beside
// them; returns the change of the step's distance (true count minus the stand-in's, modulo 2^64).
std::uint64_t NaschRoad::restepEdge(std::uint64_t step, nasch::Edge edge, nasch::ConstLayers halo) {
  const bool first = edge == nasch::Edge::First;
  EdgePiece& piece = first ? firstEdge_ : lastEdge_;
  const std::uint64_t words = piece.words;
  const std::uint64_t besideWords = piece.beside.occupancy.size();
  const std::uint64_t offset = first ? 0 : placement_.words - words;
  const nasch::Placement placement{placement_.roadCells, placement_.firstWord + offset, words};
  copyWords(current_.view(), offset, piece.old.view());
  copyWords(current_.view(), first ? words : offset - besideWords, piece.beside.view());  // the cells inside
  const nasch::ConstLayers inside = piece.beside.view();
  const nasch::ConstLayers standIn = emptyHalo_.view();
  const std::uint64_t exact = nasch::stepSegment(model_, step, placement, piece.old.view(), first ? halo : inside,
                                                 first ? inside : halo, piece.exact.view());
  const std::uint64_t stoodIn = nasch::stepSegment(model_, step, placement, piece.old.view(), first ? standIn : inside,
                                                   first ? inside : standIn, piece.standIn.view());
  placeWords(piece.exact.view(), next_.view(), offset);
  return exact - stoodIn;
}

// The step just made into next_: the car in the last cell (stopped there by the standing car after
// it) leaves, one cell travelled; a car enters cell 0 at vmax, as if it came from a road before it.
std::uint64_t NaschRoad::actAtEnds(std::uint64_t step, std::uint64_t j) {
  const std::uint64_t last = range_.cells() - 1;
  const EndEvents events =
      endEvents(step, j, !packed::cell(current_.occupancy, 0), packed::cell(current_.occupancy, last));
  const auto put = [&](std::uint64_t offset, bool car, unsigned velocity) {
    packed::setCell(next_.occupancy, offset, car);
    for (unsigned b = 0; b < planes_; ++b) {
      packed::setCell(std::span<std::uint64_t>(next_.velocity).subspan(b * placement_.words, placement_.words), offset,
                      ((velocity >> b) & 1U) != 0);
    }
  };
  if (events.leaves) put(last, false, 0);
  if (events.enters) put(0, true, model_.vmax);
  return events.leaves ? 1 : 0;
}

void NaschRoad::advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                        std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  beginEndEvents(steps);
  std::fill(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(steps), 0);
  if (range_.empty() || steps == 0) return;
  if (plan_.deepWords > 0) {
    advanceDeep(firstStep, steps, detectors, distances, arrivals);
    return;
  }
  for (std::uint64_t j = 0; j < steps; ++j) {
    distances[j] = step(firstStep + j, j);
    std::swap(current_, next_);
    for (std::size_t k = 0; k < detectors.size(); ++k) {
      arrivals[j * detectors.size() + k] += passed(detectors[k].cell, current_.view(), 0, placement_.words);
    }
  }
}

// The deep halos during a sweep: each step, the own segment's halo is cut from an extension, then the
// extension takes the step with the segment's edge cells beside it (and empty cells outside: the
// wrong cells the plan allows for). Detectors count the cars that passed them, piece by piece.
class NaschRoad::ExtensionEdges final : public nasch::SweepEdges {
 public:
  ExtensionEdges(NaschRoad& road, std::uint64_t firstStep, std::span<const LocalDetector> detectors,
                 std::span<std::uint64_t> arrivals)
      : road_(road), firstStep_(firstStep), detectors_(detectors), arrivals_(arrivals) {}
  // The steps of the advance taken before the sweep's step j = 0 (whose step is firstStep + done).
  std::uint64_t done = 0;

  nasch::ConstLayers left(std::uint64_t j, nasch::ConstLayers before) override { return halo(j, before, true); }
  nasch::ConstLayers right(std::uint64_t j, nasch::ConstLayers before) override { return halo(j, before, false); }
  void stepped(std::uint64_t j, nasch::ConstLayers after, std::uint64_t first, std::uint64_t end) override {
    const std::uint64_t row = (done + j) * detectors_.size();
    for (std::size_t k = 0; k < detectors_.size(); ++k) {
      arrivals_[row + k] += road_.passed(detectors_[k].cell, after, first, end);
    }
  }

 private:
  static std::uint64_t cellsOf(const nasch::Placement& piece) { return piece.endCell() - piece.firstCell(); }
  // The left (or right) extension's cells beside the segment, then the extension a step on, with the
  // segment's cells beside it in `before` as its inner halo.
  nasch::ConstLayers halo(std::uint64_t j, nasch::ConstLayers before, bool left) {
    NaschRoad& r = road_;
    nasch::State& extension = left ? r.left_ : r.right_;
    nasch::State& next = left ? r.nextLeft_ : r.nextRight_;
    const nasch::Placement& placement = left ? r.leftPlacement_ : r.rightPlacement_;
    nasch::State& own = left ? r.ownLeftHalo_ : r.ownRightHalo_;
    nasch::State& inner = left ? r.leftInnerHalo_ : r.rightInnerHalo_;
    const unsigned vmax = r.model_.vmax;
    nasch::edgeCellsInto(extension.view(), cellsOf(placement), vmax, left ? nasch::Edge::Last : nasch::Edge::First,
                         own.view());
    nasch::edgeCellsInto(before, r.range_.cells(), vmax, left ? nasch::Edge::First : nasch::Edge::Last, inner.view());
    const nasch::ConstLayers outer = r.emptyHalo_.view();
    nasch::stepSegment(r.model_, firstStep_ + done + j, placement, extension.view(), left ? outer : inner.view(),
                       left ? inner.view() : outer, next.view());
    std::swap(extension, next);
    return own.view();
  }
  NaschRoad& road_;
  std::uint64_t firstStep_;
  std::span<const LocalDetector> detectors_;
  std::span<std::uint64_t> arrivals_;
};

// With neighbours: the first step overlaps the exchange of the extensions (stepOverlapped), the others
// are swept. A whole ring: its extensions are its own far ends, and every step is swept.
void NaschRoad::advanceDeep(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                            std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  assert(steps <= plan_.stepsPerExchange);
  const std::uint64_t depth = plan_.deepWords;
  const std::uint64_t words = placement_.words;
  ExtensionEdges edges(*this, firstStep, detectors, arrivals);
  if (wholeRing_) {
    copyWords(current_.view(), words - depth, left_.view());
    copyWords(current_.view(), 0, right_.view());
  } else {
    copyWords(current_.view(), 0, asLayers(toLeft_, depth));
    copyWords(current_.view(), words - depth, asLayers(toRight_, depth));
    PendingExchange pending = startHaloExchange();
    // The own segment's halos once the extensions have arrived (which also takes them a step on).
    const auto extensionsArrived = [&] {
      copyWords(asLayers(std::as_const(fromLeft_), depth), 0, left_.view());
      copyWords(asLayers(std::as_const(fromRight_), depth), 0, right_.view());
      return ReceivedHalos{edges.left(0, current_.view()), edges.right(0, current_.view())};
    };
    distances[0] = stepOverlapped(firstStep, pending, extensionsArrived, overlapFirstStep_);
    std::swap(current_, next_);
    edges.stepped(0, current_.view(), 0, words);
    edges.done = 1;
  }
  nasch::sweepSegment(model_, firstStep + edges.done, steps - edges.done, placement_, current_, next_, edges,
                      distances.subspan(edges.done), sweepTileWords_);
}

// A car now in cell y = x + d (d < vmax, modulo the road) passed x iff it came from before x: its
// velocity, the distance it just moved, exceeds d. Velocities are below the road's length, so no car
// passes a point twice in one step. Each cell y counts alone, so pieces of the segment count apart.
std::uint64_t NaschRoad::passed(std::uint64_t detectorCell, nasch::ConstLayers state, std::uint64_t firstWord,
                                std::uint64_t endWord) const {
  const std::uint64_t cells = decomposition_.cells();
  const std::uint64_t words = state.words();
  std::uint64_t count = 0;
  for (std::uint64_t d = 0; d < std::min<std::uint64_t>(model_.vmax, cells); ++d) {
    if (open() && detectorCell + d >= cells) break;  // no cell after the last on an open road
    const std::uint64_t y = (detectorCell + d) % cells;
    if (!range_.contains(y)) continue;
    const std::uint64_t offset = y - range_.begin;
    if (offset / packed::kCellsPerWord < firstWord || offset / packed::kCellsPerWord >= endWord) continue;
    if (!packed::cell(state.occupancy, offset)) continue;
    unsigned velocity = 0;
    for (unsigned b = 0; b < planes_; ++b) {
      velocity |= (packed::cell(state.velocity.subspan(b * words, words), offset) ? 1U : 0U) << b;
    }
    if (velocity > d) ++count;
  }
  return count;
}

}  // namespace convoy
