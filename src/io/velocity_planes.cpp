#include "convoy/io/velocity_planes.hpp"

#include <vector>

#include "convoy/io/format.hpp"

namespace convoy::io {
namespace {

// The cells of one word whose bit-sliced velocity exceeds vmax (compared from the top bit down).
std::uint64_t aboveVmax(const std::vector<std::span<const std::uint64_t>>& planes, std::uint64_t word, unsigned vmax) {
  std::uint64_t above = 0;
  std::uint64_t equal = ~std::uint64_t{0};
  for (std::size_t b = planes.size(); b-- > 0;) {
    const std::uint64_t bits = planes[b][word];
    if ((vmax >> b) & 1U) {
      equal &= bits;
    } else {
      above |= equal & bits;
      equal &= ~bits;
    }
  }
  return above;
}

}  // namespace

std::string roadEncoding(const Road& road) {
  return road.velocityPlanes() > 0 ? format::kPlanesEncoding : format::kBitsEncoding;
}

std::uint64_t wordsAboveVmax(const Comm& comm, const Road& road, unsigned vmax) {
  std::vector<std::span<const std::uint64_t>> planes;
  for (unsigned b = 0; b < road.velocityPlanes(); ++b) planes.push_back(road.velocityPlane(b));
  std::uint64_t bad = 0;
  for (std::uint64_t w = 0; w < road.words().size() && !planes.empty(); ++w) {
    if (aboveVmax(planes, w, vmax) != 0) ++bad;
  }
  return static_cast<std::uint64_t>(comm.sum(static_cast<std::int64_t>(bad)));
}

}  // namespace convoy::io
