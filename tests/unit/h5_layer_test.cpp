// The typed h5 layer alone, by one process and without MPI_Init (serial and series files only): what
// it writes is read back by independent readers (h5py through CONVOY_PYTHON, and h5dump), what h5py
// writes is read by it, and its errors name the file, dataset or attribute at fault. Every test works
// in a directory of its own under the system's temporary directory, removed afterwards.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <numbers>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/h5/handle.hpp"
#include "convoy/h5/types.hpp"

#ifndef CONVOY_PYTHON
#error "CONVOY_PYTHON must name a Python 3 with h5py and numpy"
#endif

namespace convoy::h5 {
namespace {

namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "the expected bytes below are little-endian");

// The bytes of `values` as lowercase hexadecimal (numpy's tobytes().hex() of the same array).
template <typename T>
std::string hexBytes(std::span<const T> values) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  for (std::size_t i = 0; i < values.size_bytes(); ++i) {
    text += kDigits[bytes[i] >> 4];
    text += kDigits[bytes[i] & 15];
  }
  return text;
}

std::string hexOfText(const std::string& text) { return hexBytes(std::span<const char>(text.data(), text.size())); }

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', start)) {
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

std::string readFileBytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Runs `command` through the shell; its standard output, and its exit status in `status`.
std::string capture(const std::string& command, int& status) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return output;
  }
  char chunk[4096];
  for (std::size_t n = 0; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) output.append(chunk, n);
  status = ::pclose(pipe);
  return output;
}

// `call` must throw h5::Error (a convoy RuntimeError) whose message holds every one of `parts`.
void expectErrorNaming(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one naming " << parts.front() << " and " << parts.back();
  } catch (const Error& error) {
    const RuntimeError& asConvoyError = error;
    const std::string message = asConvoyError.what();
    for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "an exception other than h5::Error: " << other.what();
  }
}

class H5Layer : public ::testing::Test {
 protected:
  void SetUp() override {
    silenceErrorStacks();
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("convoy-h5-layer-" + std::to_string(::getpid()) + "-" + test);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `body` (after "import os, sys, time, h5py, numpy as np") with `arguments`; its output. The
  // test fails if the script does.
  std::string python(const std::string& body, const std::vector<std::string>& arguments) {
    std::string name = "script";
    name += std::to_string(scripts_++);
    name += ".py";
    const fs::path script = dir_ / name;
    std::ofstream(script) << "import os, sys, time, h5py, numpy as np\n" << body << "\n";
    std::string command = std::string(CONVOY_PYTHON) + " " + quoted(script.string());
    for (const std::string& argument : arguments) {
      command += ' ';
      command += quoted(argument);
    }
    int status = 0;
    std::string output = capture(command, status);
    EXPECT_EQ(status, 0) << "python failed: " << body;
    return output;
  }

  // h5dump's standard output for `arguments` (h5dump reads the file without the layer).
  std::string h5dump(const std::string& arguments) {
    int status = 0;
    std::string output = capture("h5dump " + arguments, status);
    EXPECT_EQ(status, 0) << "h5dump " << arguments;
    return output;
  }

  fs::path dir_;
  int scripts_ = 0;
};

// ---- Attributes ----------------------------------------------------------------------------------

constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();
const std::string kUtf8Text =
    "Stra\xc3\x9f"
    "e, caf\xc3\xa9 \xe2\x80\x94 \xe2\x9c\x93";  // Straße, café — ✓

// Attributes on the file, on a group and on a dataset, of every kind the layer writes.
void writeAttributeFixture(const std::string& file) {
  OpenFile out = createSerial(file);
  writeAttribute<std::int64_t>(out, "int64_min", kInt64Min);
  writeAttribute<std::int64_t>(out, "int64_negative", -42);
  writeAttribute<std::uint64_t>(out, "uint64_max", kUint64Max);
  writeAttribute<double>(out, "pi", std::numbers::pi);
  writeAttribute<double>(out, "denormal", std::numeric_limits<double>::denorm_min());
  writeAttribute<double>(out, "huge", -1.5e300);
  writeAttribute<std::string>(out, "utf8", kUtf8Text);
  writeAttribute<std::string>(out, "empty", "");
  writeAttribute(out, "from_c_string", "plain");
  const Group group = createGroup(out, "g");
  writeAttribute<std::uint64_t>(group, "step", 12345);
  const std::vector<std::int64_t> values{1, 2, 3};
  writeWhole<std::int64_t>(group, "d", values);
  const Dataset dataset = openDataset(group, "d", file);
  writeAttribute<std::string>(dataset, "units", "cells");
  writeAttribute<double>(dataset, "scale", 0.1);
  out.close();
}

TEST_F(H5Layer, AttributesOfEveryKindRoundTrip) {
  writeAttributeFixture(path("attributes.h5"));
  const OpenFile in = openSerial(path("attributes.h5"), Access::ReadOnly);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "int64_min"), kInt64Min);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "int64_negative"), -42);
  EXPECT_EQ(readAttribute<std::uint64_t>(in, "uint64_max"), kUint64Max);
  EXPECT_EQ(readAttribute<double>(in, "pi"), std::numbers::pi);
  EXPECT_EQ(readAttribute<double>(in, "denormal"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(readAttribute<double>(in, "huge"), -1.5e300);
  EXPECT_EQ(readAttribute<std::string>(in, "utf8"), kUtf8Text);
  EXPECT_EQ(readAttribute<std::string>(in, "empty"), "");
  EXPECT_EQ(readAttribute<std::string>(in, "from_c_string"), "plain");
  EXPECT_TRUE(hasAttribute(in, "pi"));
  EXPECT_FALSE(hasAttribute(in, "step"));  // it hangs from the group
  const Dataset dataset = openDataset(in, "g/d", in.path);
  EXPECT_EQ(readAttribute<std::string>(dataset, "units"), "cells");
  EXPECT_EQ(readAttribute<double>(dataset, "scale"), 0.1);
}

// h5py reads the attributes the layer wrote with the stored types the layer promises (little-endian
// 64-bit integers and reals, variable-length UTF-8 strings) and the same values bit for bit.
TEST_F(H5Layer, AttributesTheLayerWritesAreWhatH5pyReads) {
  writeAttributeFixture(path("attributes.h5"));
  const std::string output = python(R"(
f = h5py.File(sys.argv[1], 'r')
for obj in (f, f['g'], f['g/d']):
    for name in sorted(obj.attrs):
        aid = obj.attrs.get_id(name)
        value = obj.attrs[name]
        info = h5py.check_string_dtype(aid.dtype)
        if info is not None:
            kind = 'str-' + info.encoding + ('-vlen' if info.length is None else '-fixed')
            text = value if isinstance(value, str) else value.decode(info.encoding)
            shown = text.encode('utf-8').hex()
        elif aid.dtype.kind == 'f':
            kind, shown = aid.dtype.str, float(value).hex()
        else:
            kind, shown = aid.dtype.str, str(int(value))
        print(obj.name, name, kind, aid.shape, shown, sep='\t')
)",
                                    {path("attributes.h5")});
  std::map<std::string, std::vector<std::string>> seen;  // "object name" -> kind, shape, value
  for (const std::string& line : splitLines(output)) {
    const std::vector<std::string> fields = splitTabs(line);
    ASSERT_EQ(fields.size(), 5U) << line;
    seen[fields[0] + " " + fields[1]] = {fields[2], fields[3], fields[4]};
  }
  EXPECT_EQ(seen.size(), 12U) << output;
  auto expectInteger = [&](const std::string& key, const std::string& kind, const std::string& value) {
    EXPECT_EQ(seen[key], (std::vector<std::string>{kind, "()", value})) << key;
  };
  auto expectReal = [&](const std::string& key, double value) {
    ASSERT_EQ(seen[key].size(), 3U) << key;
    EXPECT_EQ(seen[key][0], "<f8") << key;
    EXPECT_EQ(seen[key][1], "()") << key;
    EXPECT_EQ(std::strtod(seen[key][2].c_str(), nullptr), value) << key << ": " << seen[key][2];
  };
  auto expectText = [&](const std::string& key, const std::string& value) {
    EXPECT_EQ(seen[key], (std::vector<std::string>{"str-utf-8-vlen", "()", hexOfText(value)})) << key;
  };
  expectInteger("/ int64_min", "<i8", "-9223372036854775808");
  expectInteger("/ int64_negative", "<i8", "-42");
  expectInteger("/ uint64_max", "<u8", "18446744073709551615");
  expectReal("/ pi", 3.141592653589793);
  expectReal("/ denormal", 4.9406564584124654e-324);
  expectReal("/ huge", -1.5e300);
  expectText("/ utf8", kUtf8Text);
  expectText("/ empty", "");
  expectText("/ from_c_string", "plain");
  expectInteger("/g step", "<u8", "12345");
  expectText("/g/d units", "cells");
  expectReal("/g/d scale", 0.1);
}

// h5dump, too, shows a variable-length UTF-8 string and a little-endian 64-bit integer.
TEST_F(H5Layer, AttributesTheLayerWritesAreWhatH5dumpShows) {
  writeAttributeFixture(path("attributes.h5"));
  const std::string text = h5dump("-a /utf8 " + quoted(path("attributes.h5")));
  EXPECT_NE(text.find("STRSIZE H5T_VARIABLE"), std::string::npos) << text;
  EXPECT_NE(text.find("CSET H5T_CSET_UTF8"), std::string::npos) << text;
  EXPECT_NE(text.find("DATASPACE  SCALAR"), std::string::npos) << text;
  const std::string integer = h5dump("-a /int64_negative " + quoted(path("attributes.h5")));
  EXPECT_NE(integer.find("H5T_STD_I64LE"), std::string::npos) << integer;
  EXPECT_NE(integer.find("(0): -42"), std::string::npos) << integer;
  const std::string unsignedInteger = h5dump("-a /g/step " + quoted(path("attributes.h5")));
  EXPECT_NE(unsignedInteger.find("H5T_STD_U64LE"), std::string::npos) << unsignedInteger;
  EXPECT_NE(unsignedInteger.find("(0): 12345"), std::string::npos) << unsignedInteger;
}

// Writing an attribute again replaces it, even with another type.
TEST_F(H5Layer, WritingAnAttributeAgainReplacesIt) {
  {
    OpenFile out = createSerial(path("replace.h5"));
    writeAttribute<std::int64_t>(out, "value", 1);
    writeAttribute<std::int64_t>(out, "value", 2);
    writeAttribute<std::string>(out, "changes_kind", "text");
    writeAttribute<double>(out, "changes_kind", 2.5);
    out.close();
  }
  const OpenFile in = openSerial(path("replace.h5"), Access::ReadOnly);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "value"), 2);
  EXPECT_EQ(readAttribute<double>(in, "changes_kind"), 2.5);
  const std::string output = python("print(sorted(h5py.File(sys.argv[1], 'r').attrs.items()))", {path("replace.h5")});
  EXPECT_EQ(output, "[('changes_kind', 2.5), ('value', 2)]\n");
}

// What h5py writes for numpy's scalars, Python's str and fixed-width bytes is read, converted to the
// type asked for where the value fits.
TEST_F(H5Layer, AttributesThatH5pyWroteAreRead) {
  python(R"(
f = h5py.File(sys.argv[1], 'w')
f.attrs['int32'] = np.int32(-7)
f.attrs['uint8'] = np.uint8(200)
f.attrs['int64_positive'] = np.int64(2**62 + 1)
f.attrs['uint64_max'] = np.uint64(2**64 - 1)
f.attrs['float32'] = np.float32(0.25)
f.attrs['float64'] = 1e-7
f.attrs['vlen'] = 'h\u00e9llo'
f.attrs['fixed'] = np.bytes_(b'fixed-width')
f.attrs['one_element'] = np.array([99], dtype='<i8')
f.close()
)",
         {path("h5py.h5")});
  const ReadFile in = openForReading(path("h5py.h5"));
  EXPECT_FALSE(in.beingWritten);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "int32"), -7);
  EXPECT_EQ(readAttribute<std::uint64_t>(in, "uint8"), 200U);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "uint8"), 200);
  EXPECT_EQ(readAttribute<std::uint64_t>(in, "int64_positive"), (std::uint64_t{1} << 62) + 1);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "int64_positive"), (std::int64_t{1} << 62) + 1);
  EXPECT_EQ(readAttribute<std::uint64_t>(in, "uint64_max"), kUint64Max);
  EXPECT_EQ(readAttribute<double>(in, "float32"), 0.25);
  EXPECT_EQ(readAttribute<double>(in, "float64"), 1e-7);
  EXPECT_EQ(readAttribute<std::string>(in, "vlen"), "h\xc3\xa9llo");
  EXPECT_EQ(readAttribute<std::string>(in, "fixed"), "fixed-width");
  EXPECT_EQ(readAttribute<std::int64_t>(in, "one_element"), 99);
}

// A missing attribute, one of another kind, an array, a boolean, a negative value read as unsigned
// and a too large one read as signed: each an h5::Error that names the attribute.
TEST_F(H5Layer, AttributeOfTheWrongKindOrMissingFailsNamingIt) {
  writeAttributeFixture(path("attributes.h5"));
  python(R"(
f = h5py.File(sys.argv[1], 'a')
f.attrs['three'] = np.array([1, 2, 3])
f.attrs['flag'] = True
f.attrs['negative'] = np.int64(-3)
f.attrs['pair'] = np.array((1, 2.0), dtype=[('a', '<i4'), ('b', '<f8')])
)",
         {path("attributes.h5")});
  const OpenFile in = openSerial(path("attributes.h5"), Access::ReadOnly);
  expectErrorNaming([&] { readAttribute<std::int64_t>(in, "nonexistent"); }, {"'nonexistent'", "missing"});
  expectErrorNaming([&] { readAttribute<std::string>(in, "nonexistent"); }, {"'nonexistent'", "missing"});
  expectErrorNaming([&] { readAttribute<double>(in, "int64_negative"); }, {"'int64_negative'", "not a real"});
  expectErrorNaming([&] { readAttribute<std::int64_t>(in, "pi"); }, {"'pi'", "not an integer"});
  expectErrorNaming([&] { readAttribute<std::uint64_t>(in, "utf8"); }, {"'utf8'", "not an integer"});
  expectErrorNaming([&] { readAttribute<std::string>(in, "uint64_max"); }, {"'uint64_max'", "not text"});
  expectErrorNaming([&] { readAttribute<std::int64_t>(in, "three"); }, {"'three'", "not a single value"});
  expectErrorNaming([&] { readAttribute<std::int64_t>(in, "flag"); }, {"'flag'", "not an integer"});
  expectErrorNaming([&] { readAttribute<double>(in, "pair"); }, {"'pair'", "not a real"});
  expectErrorNaming([&] { readAttribute<std::uint64_t>(in, "negative"); }, {"'negative'", "negative", "-3"});
  expectErrorNaming([&] { readAttribute<std::uint64_t>(in, "int64_min"); }, {"'int64_min'", "negative"});
  expectErrorNaming([&] { readAttribute<std::int64_t>(in, "uint64_max"); }, {"'uint64_max'", "out of range"});
  EXPECT_FALSE(hasAttribute(in, "nonexistent"));
}

// ---- Whole datasets --------------------------------------------------------------------------------

template <Element T>
std::vector<T> sampleValues(std::mt19937_64& engine) {
  using Limits = std::numeric_limits<T>;
  std::vector<T> values{Limits::lowest(), Limits::max(), T{0}, T{1}};
  if constexpr (std::is_floating_point_v<T>) {
    values.push_back(-T{0});
    values.push_back(Limits::denorm_min());
    values.push_back(Limits::infinity());
    values.push_back(Limits::quiet_NaN());
    std::normal_distribution<T> normal(0, 1000);
    for (int i = 0; i < 60; ++i) values.push_back(normal(engine));
  } else {
    for (int i = 0; i < 60; ++i) values.push_back(static_cast<T>(engine()));
  }
  return values;
}

// Bitwise equality (NaN equals itself, -0 differs from 0).
template <typename T>
bool sameBytes(std::span<const T> a, std::span<const T> b) {
  return hexBytes(a) == hexBytes(b);
}

struct WrittenDataset {
  std::string name;
  std::string numpyType;  // numpy's dtype.str
  std::string h5dumpType;
  std::string hex;  // the values' little-endian bytes
};

template <Element T>
WrittenDataset writeAndReadBack(OpenFile& file, const std::string& name, const std::string& numpyType,
                                const std::string& h5dumpType, const std::string& description,
                                std::mt19937_64& engine) {
  const std::vector<T> values = sampleValues<T>(engine);
  writeWhole<T>(file, name, values);
  const Dataset dataset = openDataset(file, name, file.path);
  EXPECT_EQ(extent(dataset), std::vector<std::uint64_t>{values.size()}) << name;
  EXPECT_EQ(typeOf(dataset).describe(), description) << name;
  EXPECT_EQ(typeOf(dataset).bytes, sizeof(T)) << name;
  const std::vector<T> back = readWhole<T>(dataset, values.size(), name);
  EXPECT_TRUE(sameBytes<T>(back, values)) << name;
  return {name, numpyType, h5dumpType, hexBytes<T>(values)};
}

std::vector<WrittenDataset> writeEveryElementType(OpenFile& file) {
  std::mt19937_64 engine(42);
  return {
      writeAndReadBack<std::int64_t>(file, "int64", "<i8", "H5T_STD_I64LE", "int64", engine),
      writeAndReadBack<std::uint64_t>(file, "uint64", "<u8", "H5T_STD_U64LE", "uint64", engine),
      writeAndReadBack<double>(file, "float64", "<f8", "H5T_IEEE_F64LE", "float64", engine),
      writeAndReadBack<float>(file, "float32", "<f4", "H5T_IEEE_F32LE", "float32", engine),
      writeAndReadBack<std::uint8_t>(file, "uint8", "|u1", "H5T_STD_U8LE", "uint8", engine),
      writeAndReadBack<std::int16_t>(file, "int16", "<i2", "H5T_STD_I16LE", "int16", engine),
  };
}

// Whole datasets of every element type: read back by the layer, and by h5py with the stored type the
// layer promises and the same bytes.
TEST_F(H5Layer, WholeDatasetsOfEveryElementTypeAreWhatH5pyReads) {
  std::vector<WrittenDataset> written;
  {
    OpenFile out = createSerial(path("whole.h5"));
    written = writeEveryElementType(out);
    writeWhole<std::int64_t>(out, "empty", std::span<const std::int64_t>());
    out.close();
  }
  const std::string output = python(R"(
f = h5py.File(sys.argv[1], 'r')
for name in sorted(f):
    d = f[name]
    print(name, d.dtype.str, d.shape, d.maxshape, d.chunks, d[()].tobytes().hex(), sep='\t')
)",
                                    {path("whole.h5")});
  std::map<std::string, std::vector<std::string>> seen;
  for (const std::string& line : splitLines(output)) {
    std::vector<std::string> fields = splitTabs(line);
    ASSERT_EQ(fields.size(), 6U) << line;
    seen[fields[0]] = std::vector<std::string>(fields.begin() + 1, fields.end());
  }
  for (const WrittenDataset& dataset : written) {
    std::string shape = "(";
    shape += std::to_string(dataset.hex.size() / 2 / (dataset.numpyType[2] - '0'));
    shape += ",)";
    EXPECT_EQ(seen[dataset.name], (std::vector<std::string>{dataset.numpyType, shape, shape, "None", dataset.hex}))
        << dataset.name;
  }
  EXPECT_EQ(seen["empty"], (std::vector<std::string>{"<i8", "(0,)", "(0,)", "None", ""}));
  const OpenFile in = openSerial(path("whole.h5"), Access::ReadOnly);
  EXPECT_TRUE(readWhole<std::int64_t>(openDataset(in, "empty", in.path), 0, "empty").empty());
}

// h5dump's binary output of each dataset is the values' bytes, and its header the stored type.
TEST_F(H5Layer, WholeDatasetsOfEveryElementTypeAreWhatH5dumpWrites) {
  std::vector<WrittenDataset> written;
  {
    OpenFile out = createSerial(path("whole.h5"));
    written = writeEveryElementType(out);
    out.close();
  }
  for (const WrittenDataset& dataset : written) {
    const fs::path binary = dir_ / (dataset.name + ".bin");
    h5dump("-d /" + dataset.name + " -b LE -o " + quoted(binary.string()) + " " + quoted(path("whole.h5")) +
           " > /dev/null");
    const std::string bytes = readFileBytes(binary);
    EXPECT_EQ(hexOfText(bytes), dataset.hex) << dataset.name;
    const std::string header = h5dump("-H -d /" + dataset.name + " " + quoted(path("whole.h5")));
    EXPECT_NE(header.find("DATATYPE  " + dataset.h5dumpType), std::string::npos) << header;
  }
}

// createFixed allocates a contiguous dataset at once; objects above the threshold start at multiples
// of the alignment (where h5py finds their data).
TEST_F(H5Layer, FixedDatasetsAreContiguousAllocatedAndAligned) {
  {
    OpenFile out = createSerial(path("fixed.h5"));
    createFixed<std::uint64_t>(out, "big", 100000);  // 800 kB, above the default 64 KiB threshold
    createFixed<std::int16_t>(out, "small", 10);
    const Dataset big = openDataset(out, "big", out.path);
    const Storage storage = storageOf(big);
    EXPECT_EQ(storage.layout, Storage::Layout::Contiguous);
    EXPECT_TRUE(storage.filters.empty());
    EXPECT_EQ(storage.externalFiles, 0);
    EXPECT_EQ(extent(big), std::vector<std::uint64_t>{100000});
    out.close();
  }
  {
    OpenFile out = createSerial(path("aligned.h5"), Settings{4096, 1, {}});
    createFixed<std::uint8_t>(out, "first", 3);
    createFixed<double>(out, "second", 5);
    out.close();
  }
  const std::string output = python(R"(
for name, path in (('big', sys.argv[1]), ('small', sys.argv[1]), ('first', sys.argv[2]), ('second', sys.argv[2])):
    d = h5py.File(path, 'r')[name]
    print(name, d.dtype.str, d.shape, d.chunks, d.id.get_offset(), d.id.get_storage_size())
)",
                                    {path("fixed.h5"), path("aligned.h5")});
  const std::vector<std::string> lines = splitLines(output);
  ASSERT_EQ(lines.size(), 4U) << output;
  std::istringstream big(lines[0]);
  std::string name, type, shape, chunks;
  std::uint64_t offset = 0, bytes = 0;
  big >> name >> type >> shape >> chunks >> offset >> bytes;
  EXPECT_EQ(type + " " + shape + " " + chunks, "<u8 (100000,) None");
  EXPECT_EQ(offset % (1 << 20), 0U) << "big starts at " << offset;
  EXPECT_EQ(bytes, 800000U);
  std::istringstream small(lines[1]);
  small >> name >> type >> shape >> chunks >> offset >> bytes;
  EXPECT_EQ(type + " " + shape, "<i2 (10,)");
  EXPECT_EQ(bytes, 20U);  // allocated though never written
  for (const std::size_t line : {2U, 3U}) {
    std::istringstream aligned(lines[line]);
    aligned >> name >> type >> shape >> chunks >> offset >> bytes;
    EXPECT_EQ(offset % 4096, 0U) << lines[line];
    EXPECT_GT(bytes, 0U) << lines[line];
  }
}

// ---- Reading what h5py wrote ---------------------------------------------------------------------------

class H5LayerReading : public H5Layer {
 protected:
  void SetUp() override {
    H5Layer::SetUp();
    python(R"(
f = h5py.File(sys.argv[1], 'w')
i = np.arange(1000)
f.create_dataset('counts', data=(i * 3 - 7).astype('<i8'))
f.create_dataset('int32', data=(i - 500).astype('<i4'))
f.create_dataset('float32', data=(i / 4).astype('<f4'))
f.create_dataset('compressed', data=(i * i).astype('<u8'), chunks=(64,), compression='gzip', shuffle=True)
f.create_dataset('matrix', data=(np.arange(35).reshape(7, 5) * 10).astype('<i8'))
f.create_dataset('flags', data=np.array([True, False, False, True, True]))
f.create_dataset('uint16', data=np.arange(4, dtype='<u2'))
f.create_dataset('float16', data=np.arange(4, dtype='<f2'))
f.create_dataset('names', data=['a', 'bc'], dtype=h5py.string_dtype())
f.create_dataset('pairs', data=np.zeros(3, dtype=[('a', '<i4'), ('b', '<f8')]))
f.create_dataset('colours', data=np.array([0, 2, 1], dtype='i1'),
                 dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 2}, basetype='i1'))
f.create_dataset('off_on', data=np.array([0, 1], dtype='i1'), dtype=h5py.enum_dtype({'OFF': 0, 'ON': 1}, basetype='i1'))
f.create_dataset('true_first', data=np.array([1, 0, 1], dtype='i1'),
                 dtype=h5py.enum_dtype({'TRUE': 1, 'FALSE': 0}, basetype='i1'))
f.create_dataset('external', shape=(10,), dtype='<i8', external=[(sys.argv[1] + '.raw', 0, 80)])
dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
dcpl.set_layout(h5py.h5d.COMPACT)
h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I64LE, h5py.h5s.create_simple((4,)), dcpl)
layout = h5py.VirtualLayout(shape=(1000,), dtype='<i8')
layout[:] = h5py.VirtualSource(f['counts'])
f.create_virtual_dataset('virtual', layout)
f.create_group('group').create_dataset('inner', data=np.array([5, 6], dtype='<i8'))
f.close()
)",
           {file()});
    in_ = openSerial(file(), Access::ReadOnly);
  }
  void TearDown() override {
    in_.close();
    H5Layer::TearDown();
  }
  std::string file() const { return path("h5py.h5"); }
  Dataset open(const std::string& name) const { return openDataset(in_, name, in_.path); }

  OpenFile in_;
};

// Slabs of 128 at every offset, the last one partial, an empty one; converted from the stored type
// (int32, float32) and from compressed chunks.
TEST_F(H5LayerReading, SlabsAtEveryOffsetIncludingTheLastPartialOne) {
  const Dataset counts = open("counts");
  const Dataset int32 = open("int32");
  const Dataset float32 = open("float32");
  const Dataset compressed = open("compressed");
  const std::uint64_t size = 1000;
  const std::uint64_t slab = 128;
  for (std::uint64_t offset = 0; offset < size; offset += slab) {
    const std::uint64_t count = std::min(slab, size - offset);
    std::vector<std::int64_t> a(count);
    std::vector<std::int64_t> b(count);
    std::vector<double> c(count);
    std::vector<std::uint64_t> d(count);
    readSlab<std::int64_t>(counts, {offset, count}, a);
    readSlab<std::int64_t>(int32, {offset, count}, b);
    readSlab<double>(float32, {offset, count}, c);
    readSlab<std::uint64_t>(compressed, {offset, count}, d);
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto i = static_cast<std::int64_t>(offset + k);
      ASSERT_EQ(a[k], 3 * i - 7) << "element " << i;
      ASSERT_EQ(b[k], i - 500) << "element " << i;
      ASSERT_EQ(c[k], static_cast<double>(i) / 4) << "element " << i;
      ASSERT_EQ(d[k], static_cast<std::uint64_t>(i * i)) << "element " << i;
    }
    if (offset + slab > size) {
      EXPECT_EQ(count, 104U);
    }
  }
  // A rank that owns nothing reads nothing, without error.
  readSlab<std::int64_t>(counts, {0, 0}, std::span<std::int64_t>());
  readSlab<std::int64_t>(counts, {1000, 0}, std::span<std::int64_t>());
}

TEST_F(H5LayerReading, SlabBeyondTheEndFailsNamingTheDataset) {
  std::vector<std::int64_t> out(20);
  expectErrorNaming([&] { readSlab<std::int64_t>(open("counts"), {990, 20}, out); }, {"counts"});
}

TEST_F(H5LayerReading, BlocksOfAMatrix) {
  const Dataset matrix = open("matrix");
  EXPECT_EQ(extent(matrix), (std::vector<std::uint64_t>{7, 5}));
  const std::vector<std::uint64_t> start{2, 1};
  const std::vector<std::uint64_t> count{3, 4};
  std::vector<std::int64_t> block(12);
  readBlock<std::int64_t>(matrix, start, count, block);
  std::vector<double> reals(12);
  readBlock<double>(matrix, start, count, reals);
  for (std::uint64_t r = 0; r < 3; ++r) {
    for (std::uint64_t c = 0; c < 4; ++c) {
      const std::int64_t expected = static_cast<std::int64_t>(((2 + r) * 5 + (1 + c)) * 10);
      EXPECT_EQ(block[r * 4 + c], expected) << r << ", " << c;
      EXPECT_EQ(reals[r * 4 + c], static_cast<double>(expected)) << r << ", " << c;
    }
  }
  // The whole last row, and an empty block.
  std::vector<std::int64_t> last(5);
  readBlock<std::int64_t>(matrix, std::vector<std::uint64_t>{6, 0}, std::vector<std::uint64_t>{1, 5}, last);
  EXPECT_EQ(last, (std::vector<std::int64_t>{300, 310, 320, 330, 340}));
  readBlock<std::int64_t>(matrix, std::vector<std::uint64_t>{0, 0}, std::vector<std::uint64_t>{0, 5},
                          std::span<std::int64_t>());
  // A block of another rank than the dataset's.
  std::vector<std::int64_t> out(3);
  expectErrorNaming(
      [&] { readBlock<std::int64_t>(matrix, std::vector<std::uint64_t>{0}, std::vector<std::uint64_t>{3}, out); },
      {"/matrix", "1 dimension"});
}

TEST_F(H5LayerReading, BooleansReadAsZeroAndOne) {
  const Dataset flags = open("flags");
  EXPECT_EQ(typeOf(flags).kind, TypeClass::Boolean);
  EXPECT_EQ(typeOf(flags).describe(), "bool");
  std::vector<std::uint8_t> out(4, 7);
  readBooleanSlab(flags, {1, 4}, out);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0, 0, 1, 1}));
  std::vector<std::uint8_t> all(5, 7);
  readBooleanSlab(flags, {0, 5}, all);
  EXPECT_EQ(all, (std::vector<std::uint8_t>{1, 0, 0, 1, 1}));
}

// What typeOf says of the types h5py stores.
TEST_F(H5LayerReading, TypesOfWhatH5pyStores) {
  struct Case {
    std::string name;
    TypeClass kind;
    std::size_t bytes;
    bool isSigned;
    std::string describe;
  };
  for (const Case& c :
       std::vector<Case>{{"counts", TypeClass::Integer, 8, true, "int64"},
                         {"int32", TypeClass::Integer, 4, true, "int32"},
                         {"uint16", TypeClass::Integer, 2, false, "uint16"},
                         {"float32", TypeClass::Float, 4, false, "float32"},
                         {"float16", TypeClass::Float, 2, false, "float16"},
                         {"flags", TypeClass::Boolean, 1, false, "bool"},
                         {"names", TypeClass::String, 0, false, "strings"},
                         {"pairs", TypeClass::Other, 0, false, "a non-numeric type"},
                         {"colours", TypeClass::Enumeration, 1, false, "an enumeration (RED = 0, GREEN = 1, BLUE = 2)"},
                         {"off_on", TypeClass::Enumeration, 1, false, "an enumeration (OFF = 0, ON = 1)"},
                         {"true_first", TypeClass::Boolean, 1, false, "bool"}}) {
    const TypeInfo info = typeOf(open(c.name));
    EXPECT_EQ(info.kind, c.kind) << c.name;
    if (c.bytes != 0) {
      EXPECT_EQ(info.bytes, c.bytes) << c.name;
    }
    if (c.kind == TypeClass::Integer) {
      EXPECT_EQ(info.isSigned, c.isSigned) << c.name;
    }
    EXPECT_EQ(info.describe(), c.describe) << c.name;
  }
}

TEST_F(H5LayerReading, ReadWholeRefusesMoreThanItsLimit) {
  const Dataset counts = open("counts");
  const std::vector<std::int64_t> all = readWhole<std::int64_t>(counts, 1000, "the counts");
  ASSERT_EQ(all.size(), 1000U);
  EXPECT_EQ(all.front(), -7);
  EXPECT_EQ(all.back(), 3 * 999 - 7);
  expectErrorNaming([&] { readWhole<std::int64_t>(counts, 999, "the counts"); }, {"the counts", "1000", "999"});
  expectErrorNaming([&] { readWhole<std::int64_t>(counts, 0, "the counts"); }, {"the counts", "1000"});
  expectErrorNaming([&] { readWhole<std::int64_t>(open("matrix"), 1000, "the matrix"); },
                    {"the matrix", "2 dimensions"});
  EXPECT_EQ(readWhole<std::int64_t>(open("group/inner"), 2, "inner"), (std::vector<std::int64_t>{5, 6}));
}

// storageOf tells every layout h5py can make, and the filters by HDF5's names.
TEST_F(H5LayerReading, StorageOfEveryLayout) {
  const Storage contiguous = storageOf(open("counts"));
  EXPECT_EQ(contiguous.layout, Storage::Layout::Contiguous);
  EXPECT_TRUE(contiguous.filters.empty());
  EXPECT_EQ(contiguous.externalFiles, 0);
  const Storage compressed = storageOf(open("compressed"));
  EXPECT_EQ(compressed.layout, Storage::Layout::Chunked);
  EXPECT_EQ(compressed.filters, (std::vector<std::string>{"shuffle", "deflate"}));
  EXPECT_EQ(storageOf(open("compact")).layout, Storage::Layout::Compact);
  EXPECT_EQ(storageOf(open("virtual")).layout, Storage::Layout::Virtual);
  const Storage external = storageOf(open("external"));
  EXPECT_EQ(external.layout, Storage::Layout::Contiguous);
  EXPECT_EQ(external.externalFiles, 1);
}

TEST_F(H5LayerReading, MissingDatasetFailsNamingItAndTheFile) {
  EXPECT_TRUE(hasDataset(in_, "counts"));
  EXPECT_TRUE(hasDataset(in_, "group/inner"));
  EXPECT_TRUE(hasDataset(in_, "/group/inner"));
  EXPECT_FALSE(hasDataset(in_, "group"));  // a group, not a dataset
  for (const std::string name : {"absent", "group/absent", "nogroup/inner", "counts/deeper", "group"}) {
    EXPECT_FALSE(hasDataset(in_, name)) << name;
    expectErrorNaming([&] { openDataset(in_, name, in_.path); }, {"\"" + name + "\"", file()});
  }
}

// ---- Extendible tables -------------------------------------------------------------------------------

// A column grows by appends (of none, too), is cut and extended by resizeRows, and is flushed; h5py
// sees the rows, the unlimited maximum and the chunks.
TEST_F(H5Layer, ColumnsGrowShrinkAndAreFlushed) {
  {
    OpenFile out = createSerial(path("column.h5"));
    createColumn<std::int64_t>(out, "column");
    createColumn<double>(out, "reals");
    const Dataset column = openDataset(out, "column", out.path);
    EXPECT_EQ(extent(column), std::vector<std::uint64_t>{0});
    EXPECT_EQ(storageOf(column).layout, Storage::Layout::Chunked);
    appendRows<std::int64_t>(column, 3, std::vector<std::int64_t>{1, 2, 3});
    appendRows<std::int64_t>(column, 0, std::span<const std::int64_t>());
    appendRows<std::int64_t>(column, 5, std::vector<std::int64_t>{4, 5, 6, 7, 8});
    EXPECT_EQ(extent(column), std::vector<std::uint64_t>{8});
    flush(column, "the column");
    resizeRows(column, 6);
    appendRows<std::int64_t>(column, 2, std::vector<std::int64_t>{100, -200});
    EXPECT_EQ(readWhole<std::int64_t>(column, 100, "the column"),
              (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 100, -200}));
    resizeRows(column, 10);  // the new rows hold the fill value, 0
    const Dataset reals = openDataset(out, "reals", out.path);
    for (int i = 0; i < 5000; ++i) appendRows<double>(reals, 1, std::vector<double>{i * 0.5});
    flush(reals, "the reals");
    out.close();
  }
  const std::string output = python(R"(
f = h5py.File(sys.argv[1], 'r')
c = f['column']
print(c.dtype.str, c.shape, c.maxshape, c.chunks, c[()].tolist())
r = f['reals']
print(r.dtype.str, r.shape, r.maxshape, bool((r[()] == np.arange(5000) * 0.5).all()))
)",
                                    {path("column.h5")});
  EXPECT_EQ(output,
            "<i8 (10,) (None,) (4096,) [1, 2, 3, 4, 5, 6, 100, -200, 0, 0]\n"
            "<f8 (5000,) (None,) True\n");
}

// Matrices grow by whole rows, written row-major; h5py reads the same rows.
TEST_F(H5Layer, MatricesGrowByRows) {
  std::vector<double> expected;
  {
    OpenFile out = createSerial(path("matrix.h5"));
    createMatrix<double>(out, "matrix", 3);
    createMatrix<std::uint8_t>(out, "no_columns", 0);
    createMatrix<std::int16_t>(out, "wide", 300000);
    const Dataset matrix = openDataset(out, "matrix", out.path);
    EXPECT_EQ(extent(matrix), (std::vector<std::uint64_t>{0, 3}));
    for (int i = 0; i < 18; ++i) expected.push_back(i * 1.25 - 3);
    appendRows<double>(matrix, 2, std::span<const double>(expected).first(6));
    appendRows<double>(matrix, 4, std::span<const double>(expected).subspan(6));
    EXPECT_EQ(extent(matrix), (std::vector<std::uint64_t>{6, 3}));
    std::vector<double> back(18);
    readBlock<double>(matrix, std::vector<std::uint64_t>{0, 0}, std::vector<std::uint64_t>{6, 3}, back);
    EXPECT_EQ(back, expected);
    flush(matrix, "the matrix");
    resizeRows(matrix, 5);
    EXPECT_EQ(extent(matrix), (std::vector<std::uint64_t>{5, 3}));

    const Dataset none = openDataset(out, "no_columns", out.path);
    appendRows<std::uint8_t>(none, 4, std::span<const std::uint8_t>());
    EXPECT_EQ(extent(none), (std::vector<std::uint64_t>{4, 0}));
    const Dataset wide = openDataset(out, "wide", out.path);
    std::vector<std::int16_t> row(300000);
    for (std::size_t i = 0; i < row.size(); ++i) row[i] = static_cast<std::int16_t>(i % 30000);
    appendRows<std::int16_t>(wide, 1, row);
    out.close();
  }
  const std::string output = python(R"(
f = h5py.File(sys.argv[1], 'r')
m = f['matrix']
print(m.dtype.str, m.shape, m.maxshape, m[()].ravel().tolist())
n = f['no_columns']
print(n.dtype.str, n.shape, n.maxshape)
w = f['wide']
rows, columns = w.chunks
print(w.dtype.str, w.shape, w.maxshape, columns, rows * columns * 2 <= 2**20, rows <= 4096,
      bool((w[0] == np.arange(300000) % 30000).all()))
)",
                                    {path("matrix.h5")});
  std::string values;
  for (std::size_t i = 0; i < 15; ++i) {
    std::ostringstream shown;
    shown << expected[i];
    values += (i == 0 ? "" : ", ") + shown.str() + (shown.str().find('.') == std::string::npos ? ".0" : "");
  }
  EXPECT_EQ(output, "<f8 (5, 3) (None, 3) [" + values +
                        "]\n"
                        "|u1 (4, 0) (None, None)\n"
                        "<i2 (1, 300000) (None, 300000) 300000 True True True\n");
}

// ---- Series files (SWMR) ----------------------------------------------------------------------------

// A series file is readable by h5py (in SWMR mode) while the layer writes it, continues after
// reopenSeries, and reads as a closed file afterwards.
TEST_F(H5Layer, SeriesFilesAreReadWhileWrittenAndContinued) {
  const std::string file = path("series.h5");
  {
    OpenFile out = createSeries(file);
    createColumn<std::uint64_t>(out, "step");
    createMatrix<std::int64_t>(out, "counts", 2);
    writeAttribute<std::string>(out, "kind", "timeseries");
    startSeriesWriting(out);
    const Dataset step = openDataset(out, "step", file);
    const Dataset counts = openDataset(out, "counts", file);
    appendRows<std::uint64_t>(step, 3, std::vector<std::uint64_t>{10, 20, 30});
    appendRows<std::int64_t>(counts, 3, std::vector<std::int64_t>{1, -1, 2, -2, 3, -3});
    flush(step, "step");
    flush(counts, "counts");
    const std::string output = python(R"(
f = h5py.File(sys.argv[1], 'r', libver='latest', swmr=True)
print(f.swmr_mode, f.attrs['kind'], f['step'][()].tolist(), f['counts'][()].tolist())
)",
                                      {file});
    EXPECT_EQ(output, "True timeseries [10, 20, 30] [[1, -1], [2, -2], [3, -3]]\n");
    out.close();
  }
  {
    const ReadFile in = openForReading(file);
    EXPECT_FALSE(in.beingWritten);
    EXPECT_EQ(readWhole<std::uint64_t>(openDataset(in, "step", file), 10, "step"),
              (std::vector<std::uint64_t>{10, 20, 30}));
  }
  {
    OpenFile out = reopenSeries(file);
    const Dataset step = openDataset(out, "step", file);
    appendRows<std::uint64_t>(step, 2, std::vector<std::uint64_t>{40, 50});
    out.close();
  }
  const ReadFile in = openForReading(file);
  EXPECT_FALSE(in.beingWritten);
  EXPECT_EQ(readWhole<std::uint64_t>(openDataset(in, "step", file), 10, "step"),
            (std::vector<std::uint64_t>{10, 20, 30, 40, 50}));
  EXPECT_EQ(python("print(h5py.File(sys.argv[1], 'r')['step'][()].tolist())", {file}), "[10, 20, 30, 40, 50]\n");
}

// A series writer killed while writing (h5py in SWMR mode, ended by os._exit) leaves its file marked
// open for writing: openForReading says so and reads what was flushed; reopenSeries clears the mark
// and continues the file, which h5py then opens as a closed file.
TEST_F(H5Layer, SeriesFileOfAKilledWriterIsReadAndContinued) {
  const std::string file = path("killed.h5");
  python(R"(
f = h5py.File(sys.argv[1], 'w', libver='latest')
d = f.create_dataset('step', shape=(0,), maxshape=(None,), chunks=(16,), dtype='<u8')
f.swmr_mode = True
d.resize((4,))
d[:] = [1, 2, 3, 4]
d.flush()
f.flush()
os._exit(0)
)",
         {file});
  {
    const ReadFile in = openForReading(file);
    EXPECT_TRUE(in.beingWritten);
    EXPECT_EQ(readWhole<std::uint64_t>(openDataset(in, "step", file), 10, "step"),
              (std::vector<std::uint64_t>{1, 2, 3, 4}));
  }
  {
    OpenFile out = reopenSeries(file);
    appendRows<std::uint64_t>(openDataset(out, "step", file), 2, std::vector<std::uint64_t>{5, 6});
    out.close();
  }
  EXPECT_FALSE(openForReading(file).beingWritten);
  EXPECT_EQ(python("print(h5py.File(sys.argv[1], 'r')['step'][()].tolist())", {file}), "[1, 2, 3, 4, 5, 6]\n");
}

// A continued series file is in SWMR writing from the moment it is reopened: h5py reads it while it
// is open, before anything is appended (a writer killed then leaves a file that can be read).
TEST_F(H5Layer, ReopenedSeriesFileIsReadableAtOnce) {
  const std::string file = path("reopened.h5");
  {
    OpenFile out = createSeries(file);
    createColumn<std::uint64_t>(out, "step");
    startSeriesWriting(out);
    appendRows<std::uint64_t>(openDataset(out, "step", file), 3, std::vector<std::uint64_t>{7, 8, 9});
    out.close();
  }
  OpenFile out = reopenSeries(file);
  resizeRows(openDataset(out, "step", file), 2);
  flush(out);
  EXPECT_EQ(python("f = h5py.File(sys.argv[1], 'r', libver='latest', swmr=True)\n"
                   "print(f['step'][()].tolist())",
                   {file}),
            "[7, 8]\n");
  out.close();
}

// A writer killed while it had a file open for plain (not SWMR) writing leaves a mark that HDF5 will
// not read past: openForReading says so and names h5clear; reopenSeries clears it and continues.
TEST_F(H5Layer, FileLeftOpenForPlainWritingIsRefusedForReadingAndContinued) {
  const std::string file = path("plain.h5");
  python(R"(
f = h5py.File(sys.argv[1], 'w', libver='latest')
d = f.create_dataset('step', shape=(2,), maxshape=(None,), chunks=(16,), dtype='<u8')
d[:] = [1, 2]
f.flush()
os._exit(0)
)",
         {file});
  expectErrorNaming([&] { openForReading(file); }, {file, "h5clear -s"});
  {
    OpenFile out = reopenSeries(file);
    appendRows<std::uint64_t>(openDataset(out, "step", file), 1, std::vector<std::uint64_t>{3});
    out.close();
  }
  EXPECT_FALSE(openForReading(file).beingWritten);
  EXPECT_EQ(python("print(h5py.File(sys.argv[1], 'r')['step'][()].tolist())", {file}), "[1, 2, 3]\n");
}

// ---- Files that are missing, not HDF5, or busy -------------------------------------------------------

TEST_F(H5Layer, MissingFileFailsNamingIt) {
  const std::string missing = path("missing.h5");
  EXPECT_FALSE(isHdf5File(missing));
  expectErrorNaming([&] { openSerial(missing, Access::ReadOnly); }, {missing});
  expectErrorNaming([&] { openSerial(missing, Access::ReadWrite); }, {missing});
  expectErrorNaming([&] { openForReading(missing); }, {missing});
  expectErrorNaming([&] { reopenSeries(missing); }, {missing});
  const std::string nowhere = path("no/such/directory/new.h5");
  expectErrorNaming([&] { createSerial(nowhere); }, {nowhere});
  expectErrorNaming([&] { createSeries(nowhere); }, {nowhere});
}

// Random bytes, an empty file, and an HDF5 file cut short.
TEST_F(H5Layer, FileThatIsNotHdf5FailsNamingIt) {
  std::mt19937_64 engine(5);
  std::string noise(4096, '\0');
  for (char& byte : noise) byte = static_cast<char>(engine());
  std::ofstream(path("noise.h5"), std::ios::binary) << noise;
  std::ofstream(path("empty.h5"), std::ios::binary).flush();
  {
    OpenFile out = createSerial(path("whole.h5"));
    writeWhole<std::int64_t>(out, "values", std::vector<std::int64_t>(1000, 7));
    out.close();
  }
  EXPECT_TRUE(isHdf5File(path("whole.h5")));
  std::ofstream(path("cut.h5"), std::ios::binary) << readFileBytes(path("whole.h5")).substr(0, 200);
  EXPECT_FALSE(isHdf5File(path("noise.h5")));
  EXPECT_FALSE(isHdf5File(path("empty.h5")));
  for (const std::string name : {"noise.h5", "empty.h5", "cut.h5"}) {
    const std::string file = path(name);
    SCOPED_TRACE(name);
    expectErrorNaming([&] { openSerial(file, Access::ReadOnly); }, {file, "open"});
    expectErrorNaming([&] { openForReading(file); }, {file, "open"});
    expectErrorNaming([&] { reopenSeries(file); }, {file, "continue"});
  }
}

// A file that another program (h5py) has open for writing is refused, as HDF5's file locks say.
TEST_F(H5Layer, FileOpenForWritingElsewhereIsRefused) {
  const char* locking = std::getenv("HDF5_USE_FILE_LOCKING");
  if (locking != nullptr && std::string(locking) == "FALSE") GTEST_SKIP() << "HDF5_USE_FILE_LOCKING=FALSE";
  const std::string file = path("busy.h5");
  {
    OpenFile out = createSerial(file);
    writeAttribute<std::int64_t>(out, "value", 1);
    out.close();
  }
  // h5py holds the file open for writing until told to let go, in the background.
  const fs::path script = dir_ / "hold.py";
  std::ofstream(script) << R"(import os, sys, time, h5py
f = h5py.File(sys.argv[1], 'a')
open(sys.argv[1] + '.ready', 'w').close()
deadline = time.time() + 60
while not os.path.exists(sys.argv[1] + '.release') and time.time() < deadline:
    time.sleep(0.02)
f.close()
open(sys.argv[1] + '.done', 'w').close()
)";
  ASSERT_EQ(
      std::system((std::string(CONVOY_PYTHON) + " " + quoted(script.string()) + " " + quoted(file) + " &").c_str()), 0);
  auto waitFor = [](const std::string& marker) {
    for (int i = 0; i < 3000 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return fs::exists(marker);
  };
  ASSERT_TRUE(waitFor(file + ".ready"));
  expectErrorNaming([&] { openSerial(file, Access::ReadOnly); }, {file});
  expectErrorNaming([&] { openForReading(file); }, {file});
  std::ofstream(file + ".release").flush();
  ASSERT_TRUE(waitFor(file + ".done"));
  const OpenFile in = openSerial(file, Access::ReadOnly);
  EXPECT_EQ(readAttribute<std::int64_t>(in, "value"), 1);
}

// ---- Groups, links, flushing, space ------------------------------------------------------------------

TEST_F(H5Layer, GroupsAndRemovedLinks) {
  {
    OpenFile out = createSerial(path("links.h5"));
    const Group outer = createGroup(out, "outer");
    const Group inner = createGroup(outer, "inner");
    writeWhole<std::int64_t>(inner, "kept", std::vector<std::int64_t>{1});
    writeWhole<std::int64_t>(inner, "removed", std::vector<std::int64_t>{2});
    EXPECT_TRUE(hasDataset(out, "outer/inner/removed"));
    removeLink(out, "outer/inner/removed");
    EXPECT_FALSE(hasDataset(out, "outer/inner/removed"));
    EXPECT_TRUE(hasDataset(inner, "kept"));
    expectErrorNaming([&] { removeLink(out, "outer/nothing"); }, {"outer/nothing"});
    expectErrorNaming([&] { createGroup(out, "outer"); }, {"outer"});  // exists already
    flush(out);
    out.close();
    out.close();  // closing again does nothing
  }
  EXPECT_EQ(python(R"(
f = h5py.File(sys.argv[1], 'r')
names = []
f.visit(names.append)
print(names, f['outer/inner/kept'][()].tolist())
)",
                   {path("links.h5")}),
            "['outer', 'outer/inner', 'outer/inner/kept'] [1]\n");
  EXPECT_EQ(failedCloses(), 0);
}

// reserveFileSpace gives the file the disk blocks of all it has allocated.
TEST_F(H5Layer, ReservedSpaceCoversTheAllocatedData) {
  const std::string file = path("reserved.h5");
  OpenFile out = createSerial(file);
  createFixed<std::uint64_t>(out, "words", std::uint64_t{1} << 20);  // 8 MiB, allocated early
  reserveFileSpace(out);
  struct stat status {};
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  const auto bytes = static_cast<std::uint64_t>(8) << 20;
  EXPECT_GE(static_cast<std::uint64_t>(status.st_size), bytes);
  EXPECT_GE(static_cast<std::uint64_t>(status.st_blocks) * 512, bytes);
  out.close();
}

}  // namespace
}  // namespace convoy::h5
