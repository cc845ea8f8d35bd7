// The halo plans (include/convoy/parallel/halo_plan.hpp) against hand-worked cases and against what a
// deep halo must guarantee: information travels at most vmax cells a step, so k steps of D words of
// halo stay exact only while k * vmax <= 64 * D (docs/model.md "NaSch halos").
#include "convoy/parallel/halo_plan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace convoy {
namespace {

constexpr std::uint64_t kWord = 64;

TEST(Rule184Halo, IsTheAskedWordsUnlessARankOwnsFewerCells) {
  EXPECT_EQ(rule184HaloCells(4, 1000000), 256U);
  EXPECT_EQ(rule184HaloCells(4, 100), 100U);     // never deeper than one neighbour's cells
  EXPECT_EQ(rule184HaloCells(0, 1000000), 64U);  // at least one word
  EXPECT_EQ(rule184HaloCells(1, 1), 1U);
}

TEST(NaschHalo, HandWorkedCases) {
  // vmax 5 on a long road: D = min(max(4, 2), 5) = 4 words, k = floor(256 / 5) = 51 steps.
  NaschHaloPlan plan = planNaschHalos(5, 640000, 6400);
  EXPECT_EQ(plan.deepWords, 4U);
  EXPECT_EQ(plan.stepsPerExchange, 51U);
  // One rank owning the whole ring plans alike (its extensions are its own far ends).
  plan = planNaschHalos(5, 640000, 640000);
  EXPECT_EQ(plan.deepWords, 4U);
  EXPECT_EQ(plan.stepsPerExchange, 51U);
  // vmax 1 (rule 184): D = 1 word, k = 64 steps.
  plan = planNaschHalos(1, 640000, 6400);
  EXPECT_EQ(plan.deepWords, 1U);
  EXPECT_EQ(plan.stepsPerExchange, 64U);
  // vmax 200: H = 4 words, D = min(8, 200) = 8, k = floor(512 / 200) = 2.
  plan = planNaschHalos(200, 64 * 1000, 64 * 100);
  EXPECT_EQ(plan.deepWords, 8U);
  EXPECT_EQ(plan.stepsPerExchange, 2U);
}

// A road that ends mid-word: the extension holding the partial last word lacks m = 64 - N % 64 of its
// cells, so the plan takes one word more and bounds k by the 64 D - m cells of that extension.
TEST(NaschHalo, HandWorkedCasesOnRoadsThatEndMidWord) {
  struct Case {
    unsigned vmax;
    std::uint64_t roadCells, fewestCells, deepWords, stepsPerExchange;
  };
  for (const Case c : {
           Case{5, 640001, 6400, 5, 51},  // m = 63: D = 4 + 1, k = floor((320 - 63) / 5), as on whole words
           Case{1, 4099, 1000, 2, 64},    // m = 61: D = 1 + 1, k = min(64, 128 - 61)
           Case{20, 6432, 1600, 5, 14},   // m = 32: D = 4 + 1, k = floor((320 - 32) / 20)
           Case{1, 4099, 64 + 3, 1, 3},   // ranks of one whole word cap D at 1: k = 64 - 61
       }) {
    const NaschHaloPlan plan = planNaschHalos(c.vmax, c.roadCells, c.fewestCells);
    EXPECT_EQ(plan.deepWords, c.deepWords) << "vmax " << c.vmax << ", N " << c.roadCells;
    EXPECT_EQ(plan.stepsPerExchange, c.stepsPerExchange) << "vmax " << c.vmax << ", N " << c.roadCells;
  }
}

TEST(NaschHalo, FallsBackToOneExchangePerStep) {
  const auto shallow = [](const NaschHaloPlan& plan) { return plan.deepWords == 0 && plan.stepsPerExchange == 1; };
  EXPECT_TRUE(shallow(planNaschHalos(5, 640000, 63)));    // a rank owns less than a word
  EXPECT_TRUE(shallow(planNaschHalos(2, 4099, 64 + 3)));  // D = 1 word, 64 - 61 cells: k = 1
  EXPECT_TRUE(shallow(planNaschHalos(40, 640000, 64)));   // D = 1 word, k = 1
}

// On roads of whole words and on roads ending mid-word (the shortest extension then lacks the
// cells the partial last word lacks).
TEST(NaschHalo, EveryPlanKeepsItsPromise) {
  for (const std::uint64_t roadCells : {kWord * 1000, kWord * 1000 + 1, kWord * 1000 + 32, kWord * 1000 + 63}) {
    const std::uint64_t lacking = roadCells % kWord == 0 ? 0 : kWord - roadCells % kWord;
    for (unsigned vmax = 1; vmax <= 300; ++vmax) {
      for (std::uint64_t fewestWords : {0, 1, 2, 3, 5, 8, 100}) {
        SCOPED_TRACE("N " + std::to_string(roadCells) + ", vmax " + std::to_string(vmax) + ", fewest words " +
                     std::to_string(fewestWords));
        const NaschHaloPlan plan = planNaschHalos(vmax, roadCells, kWord * fewestWords);
        if (plan.deepWords == 0) {
          EXPECT_EQ(plan.stepsPerExchange, 1U);
          continue;
        }
        EXPECT_LE(plan.deepWords, fewestWords);  // one neighbour holds the halo
        EXPECT_GE(plan.stepsPerExchange, 2U);
        EXPECT_LE(plan.stepsPerExchange, kNaschMostStepsPerExchange);
        EXPECT_LE(plan.stepsPerExchange * vmax, kWord * plan.deepWords - lacking);
      }
    }
  }
}

// The most ranks a NaSch road allows, against hand-worked decompositions: 258 cells are 5 words, the
// last holding 2 cells. On 2 ranks the second owns words 3 and 4 (66 cells); on 3 or more some rank
// owns word 4 alone (2 cells), fewer than vmax 5.
TEST(NaschRanks, TheMostRanksIsTheLastCountThatFits) {
  EXPECT_EQ(mostNaschRanks(258, 5), 2);
  EXPECT_TRUE(naschRanksFit(Decomposition(258, 2), 5));
  EXPECT_FALSE(naschRanksFit(Decomposition(258, 3), 5));
  EXPECT_EQ(mostNaschRanks(130, 5), 1);         // 3 words: on 2 ranks the second owns word 2 alone
  EXPECT_EQ(mostNaschRanks(64 * 7, 5), 0);      // whole words: any number of ranks
  EXPECT_EQ(mostNaschRanks(64 * 7 + 5, 5), 0);  // the last word holds vmax cells
  EXPECT_EQ(mostNaschRanks(3, 5), 0);           // one word: one owner, however many ranks
}

// mostNaschRanks agrees with trying every rank count.
TEST(NaschRanks, AgreesWithTryingEveryCount) {
  for (const std::uint64_t cells : {130U, 258U, 64U * 9 + 1, 64U * 40 + 3, 64U * 101 + 7}) {
    for (const unsigned vmax : {2U, 5U, 9U, 70U}) {
      int most = 0;
      bool failed = false;
      for (int ranks = 1; ranks <= 120; ++ranks) {
        if (!naschRanksFit(Decomposition(cells, ranks), vmax)) {
          failed = true;
        } else if (!failed) {
          most = ranks;
        }
      }
      EXPECT_EQ(mostNaschRanks(cells, vmax), failed ? most : 0) << cells << " cells, vmax " << vmax;
    }
  }
}

}  // namespace
}  // namespace convoy
