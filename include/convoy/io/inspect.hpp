// `convoy inspect FILE.h5`: a readable summary of any convoy file; for state files the digest is
// recomputed from the road read back (collectively, so a huge file can be checked on many ranks).
#pragma once

#include <ostream>
#include <string>

#include "convoy/core/error.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy::io {

// Collective. Writes the summary to `out` on rank 0. Returns Success, or BadInput (after saying
// why) when a file fails a check convoy makes before using it: a state file whose road does not
// match its digest or car count, a checkpoint with a damaged field, a series whose columns or
// values are inconsistent. Throws InputError for files that are not convoy files.
ExitCode inspectFile(const Comm& comm, const std::string& path, std::ostream& out);

}  // namespace convoy::io
