#include "convoy/io/velocity_planes.hpp"

#include <algorithm>
#include <vector>

#include "convoy/digest.hpp"
#include "convoy/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/packed_road.hpp"

namespace convoy::io {
namespace {

std::string planeName(unsigned plane) { return "velocity/bit_" + std::to_string(plane); }

h5::Slab slabOf(CellRange range) { return {range.begin / packed::kCellsPerWord, packed::wordsFor(range.cells())}; }

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

std::string roadEncoding(const Road& road) { return road.velocityPlanes() > 0 ? kPlanesEncoding : kBitsEncoding; }

void writeVelocityPlanes(const Comm& comm, hid_t file, const Road& road, std::uint64_t cells) {
  (void)comm;  // collective through the file's MPI-IO driver
  const unsigned planes = road.velocityPlanes();
  if (planes == 0) return;
  h5::writeAttribute(file, "velocity_planes", std::uint64_t{planes});
  const h5::Group group = h5::createGroup(file, "velocity");
  for (unsigned b = 0; b < planes; ++b) {
    h5::writeDistributed(file, planeName(b), H5T_STD_U64LE, H5T_NATIVE_UINT64, packed::wordsFor(cells),
                         slabOf(road.range()), road.velocityPlane(b).data());
  }
}

std::uint64_t storedVelocityPlanes(hid_t file) {
  return h5::hasAttribute(file, "velocity_planes") ? h5::readUnsignedAttribute(file, "velocity_planes") : 0;
}

void readVelocityPlanes(const Comm& comm, const std::string& path, Road& road, unsigned vmax) {
  const unsigned planes = road.velocityPlanes();
  for (unsigned b = 0; b < planes; ++b) std::ranges::fill(road.velocityPlane(b), 0);
  const h5::OpenFile file = h5::openCollective(path, comm, h5::Settings{}, h5::Access::ReadOnly);
  const std::uint64_t stored = storedVelocityPlanes(file.get());
  if (stored > 8) throw InputError(path + ": velocity_planes = " + std::to_string(stored) + " (at most 8)");
  const std::uint64_t words = road.words().size();
  std::vector<std::vector<std::uint64_t>> extra;  // planes of the file beyond the road's
  std::vector<std::span<const std::uint64_t>> all;
  for (unsigned b = 0; b < stored; ++b) {
    std::span<std::uint64_t> target;
    if (b < planes) {
      target = road.velocityPlane(b);
    } else {
      target = extra.emplace_back(words, 0);
    }
    h5::readDistributed(h5::openDataset(file.get(), planeName(b), path), H5T_NATIVE_UINT64, slabOf(road.range()),
                        target.data());
    all.push_back(target);
  }
  // Every velocity must sit on a car and be at most vmax, or the kernel's invariants break.
  std::uint64_t badWords = 0;
  const std::span<const std::uint64_t> occupancy = road.words();
  for (std::uint64_t w = 0; w < words && !all.empty(); ++w) {
    std::uint64_t any = 0;
    for (const auto& plane : all) any |= plane[w];
    if ((any & ~occupancy[w]) != 0 || aboveVmax(all, w, vmax) != 0) ++badWords;
  }
  const std::int64_t bad = comm.sum(static_cast<std::int64_t>(badWords));
  if (bad > 0) {
    throw InputError(path + ": /velocity holds velocities above model.vmax (" + std::to_string(vmax) +
                     ") or on cells without a car, in " + std::to_string(bad) + " words");
  }
}

std::uint64_t planesDigestPartialSum(const Comm& comm, hid_t file, const std::string& path, CellRange range) {
  (void)comm;
  const std::uint64_t stored = storedVelocityPlanes(file);
  std::vector<std::uint64_t> words(packed::wordsFor(range.cells()));
  std::uint64_t sum = 0;
  for (unsigned b = 0; b < stored; ++b) {
    h5::readDistributed(h5::openDataset(file, planeName(b), path), H5T_NATIVE_UINT64, slabOf(range), words.data());
    sum += digest::planePartialSum(words, b, range);
  }
  return sum;
}

}  // namespace convoy::io
