#include "convoy/io/run_identity.hpp"

#include "convoy/h5/attribute.hpp"
#include "convoy/version.hpp"

namespace convoy::io {

void writeIdentity(hid_t file, const std::string& kind, const RunIdentity& identity) {
  h5::writeAttribute(file, "convoy_version", kVersion);
  h5::writeAttribute(file, "kind", kind);
  h5::writeAttribute(file, "config", identity.configYaml);
  h5::writeAttribute(file, "cells", identity.cells);
  h5::writeAttribute(file, "cars", identity.cars);
  h5::writeAttribute(file, "model", identity.model);
}

}  // namespace convoy::io
