// How deep the halos are and how many steps one exchange serves: pure functions of the
// decomposition and the model, the same on every rank (tests/unit/halo_plan_test.cpp).
#pragma once

#include <cstdint>

#include "convoy/core/decomposition.hpp"

namespace convoy {

// Rule 184: halos of `haloWords` x 64 cells (at least 1 word), never deeper than the fewest cells a
// rank owns (a rank's halo comes from one neighbour), and at least 1 cell. A car moves at most one
// cell per step, so one exchange serves that many steps.
std::uint64_t rule184HaloCells(std::uint64_t haloWords, std::uint64_t fewestCells);

// NaSch (docs/model.md "NaSch halos"): `deepWords` D > 0 when each rank also steps the D words
// before and after its own, k = `stepsPerExchange` steps per exchange; otherwise (D = 0) one exchange
// of H = ceil(vmax / 64) words per step.
struct NaschHaloPlan {
  std::uint64_t deepWords = 0;
  std::uint64_t stepsPerExchange = 1;
};

// The most words of each deep halo, and the most steps per exchange.
inline constexpr std::uint64_t kNaschDeepWords = 4;
inline constexpr std::uint64_t kNaschMostStepsPerExchange = 64;

// Deep halos (also for one rank that owns the whole ring: its extensions are its own far ends) need
// every owning rank to own at least D whole words and k = min(64, floor((64 D - m) / vmax)) >= 2, with
// D = min(max(4, 2 H), vmax) + (m > 0 ? 1 : 0), capped at the fewest whole words a rank owns, where
// m = (64 - N mod 64) mod 64 is what the ring's partial last word lacks: the extension holding that
// word has 64 D - m cells.
NaschHaloPlan planNaschHalos(unsigned vmax, std::uint64_t roadCells, std::uint64_t fewestCells);

// NaSch halos come from the neighbouring ranks alone: every rank that owns cells must own at least
// vmax of them, unless one rank owns them all.
bool naschRanksFit(const Decomposition& decomposition, unsigned vmax);

// The most ranks for which a road of `cells` fits naschRanksFit (at least 1: one rank always fits),
// or 0 when any number of ranks fits.
int mostNaschRanks(std::uint64_t cells, unsigned vmax);

}  // namespace convoy
