#include "convoy/io/snapshot.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "convoy/io/density_profile.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/state_file.hpp"
#include "convoy/io/velocity_planes.hpp"

namespace convoy::io {

std::string snapshotFileName(std::uint64_t step) { return fmt::format("snapshot_{:012}.h5", step); }

StateWrite writeSnapshot(const Comm& comm, const std::string& path, const Road& road, const RunIdentity& identity,
                         std::uint64_t step, std::uint64_t profileBins, const h5::Settings& settings) {
  StateWrite result;
  result.digest = road.globalDigest();
  StateContents contents;
  addIdentity(contents, format::kSnapshot, identity);
  contents.attribute(format::kStepAttribute, step);
  contents.attribute(format::kDigestAttribute, result.digest);
  contents.attribute(format::kEncodingAttribute, roadEncoding(road));
  if (road.velocityPlanes() > 0) contents.attribute(format::kPlanesAttribute, std::uint64_t{road.velocityPlanes()});
  contents.realDatasets.emplace_back(format::kDensityProfileDataset,
                                     densityProfile(comm, road.words(), road.range(), profileBins, identity.cells));
  const std::string temporary = path + format::kTemporarySuffix;
  const StateFileWrite written =
      writeStateFile(comm, temporary, road, identity.cells, contents, settings, Durability::PageCache);
  renameIntoPlace(comm, temporary, path, Durability::PageCache);
  result.bytes = written.bytes;
  result.seconds = written.seconds;
  result.transfers = written.transfers;
  return result;
}

}  // namespace convoy::io
