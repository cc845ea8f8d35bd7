#include "h5_reading.hpp"

#include <array>

#include "convoy/h5/dataset.hpp"

namespace convoy::flow {
namespace {

// Names `what` in the error of a failed read.
template <typename T>
void readPart(const h5::Dataset& dataset, std::span<const std::uint64_t> start, std::span<const std::uint64_t> count,
              std::span<T> out, const std::string& what) {
  try {
    h5::readBlock<T>(dataset, start, count, out);
  } catch (const h5::Error& failure) {
    throw h5::Error("cannot read " + what + ": " + failure.what());
  }
}

template <typename T>
void readColumn(const h5::Dataset& dataset, std::uint64_t first, std::span<T> out, const std::string& what) {
  const std::array<std::uint64_t, 1> start{first};
  const std::array<std::uint64_t, 1> count{out.size()};
  readPart<T>(dataset, start, count, out, what);
}

}  // namespace

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<double> out, const std::string& what) {
  readColumn<double>(dataset, first, out, what);
}

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::uint64_t> out, const std::string& what) {
  readColumn<std::uint64_t>(dataset, first, out, what);
}

void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::int64_t> out, const std::string& what) {
  readColumn<std::int64_t>(dataset, first, out, what);
}

void readColumnRows(const h5::Dataset& dataset, std::uint64_t column, std::uint64_t first, std::span<double> out,
                    const std::string& what) {
  const std::array<std::uint64_t, 2> start{first, column};
  const std::array<std::uint64_t, 2> count{out.size(), 1};
  readPart<double>(dataset, start, count, out, what);
}

}  // namespace convoy::flow
