// The model's parameters a run stored in its root attribute `config` (the resolved config as YAML):
// what the NaSch analyses need, model.vmax, model.p_brake and model.p_slow (slow-to-start; a run from
// before it has none, which is p_slow = p_brake). Only these keys are read, so a config written by a
// newer convoy with keys this tool does not know is still read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "convoy_file.hpp"

namespace convoy::flow {

struct NaschParameters {
  std::uint64_t vmax = 0;
  double pBrake = 0.0;
  double pSlow = 0.0;  // equal to pBrake: plain NaSch
  bool slowToStart() const { return pSlow != pBrake; }
  bool operator==(const NaschParameters&) const = default;
};

// The shortest text that reads back to `value` ("0.25", "0", "1e-05"), for messages and formulas.
std::string plainNumber(double value);
// "vmax 5, p_brake 0.25", and ", p_slow 0.75" with slow-to-start.
std::string describe(const NaschParameters& parameters);

// From YAML text (`source` names it in messages). Throws InputError naming the source and the key when
// model.vmax or model.p_brake is missing or out of range (vmax 1 .. 255, p_brake 0 .. 1), or model.p_slow
// is out of range.
NaschParameters naschParametersFromYaml(const std::string& yamlText, const std::string& source);

// The parameters of a NaSch file (its `config` attribute); none for other models.
std::optional<NaschParameters> naschParametersOf(const ConvoyFile& file);

}  // namespace convoy::flow
