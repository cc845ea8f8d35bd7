#include "convoy/model/road_ends.hpp"

namespace convoy::road_ends {

Ends fromProbabilities(std::uint64_t seed, double alpha, double beta) {
  return {seed, random::bernoulliThreshold(alpha), random::bernoulliThreshold(beta)};
}

}  // namespace convoy::road_ends
