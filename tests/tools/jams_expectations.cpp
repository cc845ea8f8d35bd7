#include "jams_expectations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace convoy::flowtest {

void expectFile(const Json& json, const std::string& prefix, const Expected& expected) {
  SCOPED_TRACE(prefix);
  EXPECT_EQ(json.count(prefix + "cells"), expected.cells);
  EXPECT_EQ(json.count(prefix + "cars"), expected.cars);
  EXPECT_EQ(json.count(prefix + "stopped_cars"), expected.stopped);
  std::uint64_t jams = 0;
  std::uint64_t largest = 0;
  for (const auto& [length, count] : expected.lengths) {
    jams += count;
    largest = std::max(largest, length);
  }
  EXPECT_EQ(json.count(prefix + "jams"), jams);
  EXPECT_EQ(json.count(prefix + "largest_jam"), largest);
  if (expected.cars == 0) {
    EXPECT_TRUE(json.isNull(prefix + "stopped_fraction"));
  } else {
    EXPECT_DOUBLE_EQ(json.number(prefix + "stopped_fraction"),
                     static_cast<double>(expected.stopped) / static_cast<double>(expected.cars));
  }
  if (jams == 0) {
    EXPECT_TRUE(json.isNull(prefix + "mean_jam_length"));
  } else {
    EXPECT_DOUBLE_EQ(json.number(prefix + "mean_jam_length"),
                     static_cast<double>(expected.stopped) / static_cast<double>(jams));
  }
  ASSERT_EQ(json.count(prefix + "jam_lengths/#"), expected.lengths.size());
  std::size_t index = 0;
  for (const auto& [length, count] : expected.lengths) {  // ascending, only lengths that occur
    const std::string entry = prefix + "jam_lengths/" + std::to_string(index++) + "/";
    EXPECT_EQ(json.count(entry + "length"), length);
    EXPECT_EQ(json.count(entry + "count"), count);
  }
}

void expectOracleCounts(const Json& json, const std::string& prefix, const std::string& oracleText) {
  std::istringstream oracle(oracleText);
  std::string word;
  std::uint64_t cars = 0;
  std::uint64_t stopped = 0;
  std::uint64_t jams = 0;
  oracle >> word >> cars >> word >> stopped >> word >> jams;
  EXPECT_EQ(json.count(prefix + "cars"), cars);
  EXPECT_EQ(json.count(prefix + "stopped_cars"), stopped);
  EXPECT_EQ(json.count(prefix + "jams"), jams);
  EXPECT_GT(jams, 10U) << "the test wants a road with many jams";
  std::size_t entry = 0;
  for (std::uint64_t length = 0, count = 0; oracle >> length >> count; ++entry) {
    const std::string at = prefix + "jam_lengths/" + std::to_string(entry) + "/";
    EXPECT_EQ(json.count(at + "length"), length);
    EXPECT_EQ(json.count(at + "count"), count);
  }
  EXPECT_EQ(json.count(prefix + "jam_lengths/#"), entry);
}

}  // namespace convoy::flowtest
