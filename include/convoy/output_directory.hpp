// The run's output directory (SPEC.md "Files in the output directory"): checked, created, and given
// the resolved config, by rank 0, with any problem shared so every rank stops together.
#pragma once

#include <filesystem>

#include "convoy/comm.hpp"
#include "convoy/config.hpp"

namespace convoy {

// Collective. Refuses (InputError, nothing touched) a directory that holds a run of different
// physics; otherwise creates it and writes config.yaml (through a temporary file and a rename).
void prepareOutputDirectory(const Comm& comm, const Config& config);

std::filesystem::path configFilePath(const Config& config);
std::filesystem::path logFilePath(const Config& config);

}  // namespace convoy
