// `convoy inspect FILE.h5`: a readable summary of any convoy file; for state files the digest is
// recomputed from the road read back (collectively, so a huge file can be checked on many ranks).
#pragma once

#include <ostream>
#include <string>

#include "convoy/comm.hpp"
#include "convoy/error.hpp"

namespace convoy::io {

// Collective. Writes the summary to `out` on rank 0. Returns Success, or BadInput when a state
// file's recomputed digest or car count does not match what it stores. Throws InputError for files
// that are not convoy files.
ExitCode inspectFile(const Comm& comm, const std::string& path, std::ostream& out);

}  // namespace convoy::io
