#include "convoy/io/snapshot.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/density_profile.hpp"
#include "convoy/io/velocity_planes.hpp"
#include "convoy/packed_road.hpp"

namespace convoy::io {

std::string snapshotFileName(std::uint64_t step) { return fmt::format("snapshot_{:012}.h5", step); }

StateWrite writeSnapshot(const Comm& comm, const std::string& path, const Road& road,
                         const RunIdentity& identity, std::uint64_t step, std::uint64_t profileBins,
                         const h5::Settings& settings) {
  StateWrite result;
  result.digest = road.globalDigest();
  const std::vector<float> profile = densityProfile(comm, road.words(), road.range(), profileBins, identity.cells);
  const std::string temporary = path + ".tmp";
  try {
    h5::OpenFile file = h5::createCollective(temporary, comm, settings);
    writeIdentity(file.get(), "snapshot", identity);
    h5::writeAttribute(file.get(), "step", step);
    h5::writeAttribute(file.get(), "digest", result.digest);
    h5::writeAttribute(file.get(), "encoding", roadEncoding(road));
    // The decomposition gives every rank whole words, so its words are one slab of the global road.
    const h5::Slab roadSlab{road.range().begin / packed::kCellsPerWord, road.words().size()};
    result.roadIoMode = h5::writeDistributed(file.get(), "road", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                             packed::wordsFor(identity.cells), roadSlab, road.words().data());
    writeVelocityPlanes(comm, file.get(), road, identity.cells);
    // Every rank holds the whole profile; rank 0 writes it, the others take part with nothing.
    const h5::Slab profileSlab{0, comm.isRoot() ? profileBins : 0};
    h5::writeDistributed(file.get(), "density_profile", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, profileBins, profileSlab,
                         profile.data());
    file.handle.closeOrThrow("close " + temporary);
  } catch (const RuntimeError& error) {
    throw RuntimeError("cannot write the snapshot " + temporary + ": " + error.what(), error.scope());
  }
  comm.onRootThenShareErrors([&] {
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) throw RuntimeError("cannot rename " + temporary + " to " + path + ": " + error.message());
  });
  return result;
}

}  // namespace convoy::io
