#include "convoy/io/run_identity.hpp"

#include "convoy/core/version.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/io/format.hpp"

namespace convoy::io {

void writeIdentity(h5::Node file, const std::string& kind, const RunIdentity& identity) {
  StateContents contents;
  addIdentity(contents, kind, identity);
  for (const auto& [name, value] : contents.attributes) {
    std::visit([&, &name = name](const auto& v) { h5::writeAttribute(file, name, v); }, value);
  }
}

void addIdentity(StateContents& contents, const std::string& kind, const RunIdentity& identity) {
  contents.attribute(format::kVersionAttribute, std::string(kVersion));
  contents.attribute(format::kKindAttribute, kind);
  contents.attribute(format::kConfigAttribute, identity.configYaml);
  contents.attribute(format::kCellsAttribute, identity.cells);
  contents.attribute(format::kCarsAttribute, identity.cars);
  contents.attribute(format::kModelAttribute, identity.model);
}

}  // namespace convoy::io
