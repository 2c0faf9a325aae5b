//===- WeightTableTest.cpp - load-time weights of compiled libraries ------===//
//
// The runtime piece of `q4-compile --weights=load`: a table of expected
// tensors is bound to a GGUF file written by lib/Format; every mismatch is a
// message naming the file and the tensor, never a crash.
//
//===----------------------------------------------------------------------===//

#include "Runtime/WeightTable.h"
#include "Format/GGUFWriter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fmt = quant4::format;

namespace {

/// A directory holding model.gguf: "norm" (f32 [4]) and "w" (q4_k [2, 256]).
class WeightTableTest : public ::testing::Test {
protected:
  void SetUp() override {
    const char *tmp = std::getenv("TMPDIR");
    dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/quant4-weights-" +
          std::to_string(::getpid());
    ::mkdir(dir.c_str(), 0755);
    for (size_t i = 0; i < norm.size(); ++i)
      norm[i] = 0.5f * i;
    for (size_t i = 0; i < blocks.size(); ++i)
      blocks[i] = static_cast<uint8_t>(i * 7);
    fmt::GGUFWriter writer;
    ASSERT_TRUE(writer
                    .addTensor("norm", fmt::GGMLType::F32, {4},
                               {reinterpret_cast<const uint8_t *>(norm.data()),
                                norm.size() * sizeof(float)})
                    .ok());
    ASSERT_TRUE(writer
                    .addTensor("w", fmt::GGMLType::Q4_K, {256, 2},
                               {blocks.data(), blocks.size()})
                    .ok());
    file = writer.serialize();
    writeModel(file);
  }

  void TearDown() override {
    q4_weights_release(&table);
    std::remove((dir + "/model.gguf").c_str());
    ::rmdir(dir.c_str());
  }

  void writeModel(const std::vector<uint8_t> &bytes) {
    std::ofstream out(dir + "/model.gguf", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  }

  /// Binds `specs` with the fixture's directory as the default.
  void bind(std::vector<Q4WeightSpec> newSpecs) {
    specs = std::move(newSpecs);
    data.assign(specs.size(), nullptr);
    table.library = "libtest.so";
    table.specs = specs.data();
    table.count = static_cast<int64_t>(specs.size());
    table.envVar = "Q4_WEIGHT_TABLE_TEST_DIR";
    table.defaultDir = dir.c_str();
    table.data = data.data();
  }

  std::string dir;
  std::vector<float> norm = std::vector<float>(4);
  std::vector<uint8_t> blocks = std::vector<uint8_t>(2 * 144);
  std::vector<uint8_t> file;
  std::vector<Q4WeightSpec> specs;
  std::vector<const void *> data;
  Q4WeightTable table = {};
};

const int64_t kNormShape[] = {4};
const int64_t kWShape[] = {2, 256};
const int64_t kWrongShape[] = {1, 256};

Q4WeightSpec normSpec() {
  return {"model.gguf", "norm", "f32", 1, kNormShape, 16};
}
Q4WeightSpec wSpec() { return {"model.gguf", "w", "q4_k", 2, kWShape, 288}; }

TEST_F(WeightTableTest, BindsTensorsInPlace) {
  bind({normSpec(), wSpec()});
  ASSERT_EQ(q4_weights_ensure(&table), nullptr);
  EXPECT_EQ(table.loaded, 1);
  EXPECT_EQ(std::memcmp(data[0], norm.data(), 16), 0);
  EXPECT_EQ(std::memcmp(data[1], blocks.data(), blocks.size()), 0);
  // Loaded once: a second call keeps the same mapping.
  const void *first = data[1];
  ASSERT_EQ(q4_weights_ensure(&table), nullptr);
  EXPECT_EQ(data[1], first);
}

TEST_F(WeightTableTest, AbsolutePathIgnoresTheDirectory) {
  std::string path = dir + "/model.gguf";
  Q4WeightSpec spec = normSpec();
  spec.file = path.c_str();
  bind({spec});
  ASSERT_EQ(q4_weights_load(&table, "/nonexistent"), nullptr);
  EXPECT_EQ(std::memcmp(data[0], norm.data(), 16), 0);
}

TEST_F(WeightTableTest, ExplicitDirectoryThenEnvironmentThenDefault) {
  bind({normSpec()});
  const char *message = q4_weights_load(&table, "/nonexistent");
  ASSERT_NE(message, nullptr);
  EXPECT_NE(std::string(message).find("/nonexistent/model.gguf"),
            std::string::npos)
      << message;
  // ensure() retries with the directory of the last explicit load.
  EXPECT_NE(q4_weights_ensure(&table), nullptr);
  ::setenv("Q4_WEIGHT_TABLE_TEST_DIR", "/also/missing", 1);
  message = q4_weights_load(&table, nullptr);
  ::unsetenv("Q4_WEIGHT_TABLE_TEST_DIR");
  ASSERT_NE(message, nullptr);
  EXPECT_NE(std::string(message).find("/also/missing/model.gguf"),
            std::string::npos)
      << message;
  EXPECT_EQ(q4_weights_load(&table, nullptr), nullptr);
}

/// The message of a failed ensure(), or "" when it succeeded.
std::string failure(Q4WeightTable &table) {
  const char *message = q4_weights_ensure(&table);
  EXPECT_EQ(table.loaded, message ? 0 : 1);
  return message ? message : "";
}

TEST_F(WeightTableTest, MissingFile) {
  Q4WeightSpec spec = normSpec();
  spec.file = "absent.gguf";
  bind({spec});
  EXPECT_EQ(failure(table).rfind("libtest.so: cannot load tensor 'norm' in '" +
                                     dir + "/absent.gguf': cannot open",
                                 0),
            0u)
      << failure(table);
}

TEST_F(WeightTableTest, MissingTensor) {
  Q4WeightSpec spec = normSpec();
  spec.tensor = "output.weight";
  bind({spec});
  EXPECT_NE(failure(table).find("no tensor named 'output.weight'"),
            std::string::npos)
      << failure(table);
}

TEST_F(WeightTableTest, WrongType) {
  Q4WeightSpec spec = wSpec();
  spec.element = "nf4(block=64)";
  bind({spec});
  EXPECT_EQ(failure(table),
            "libtest.so: tensor 'w' in '" + dir +
                "/model.gguf' is 2x256 q4_k, but the library expects 2x256 "
                "nf4(block=64)");
}

TEST_F(WeightTableTest, WrongShape) {
  Q4WeightSpec spec = wSpec();
  spec.shape = kWrongShape;
  bind({normSpec(), spec});
  EXPECT_EQ(failure(table),
            "libtest.so: tensor 'w' in '" + dir +
                "/model.gguf' is 2x256 q4_k, but the library expects 1x256 "
                "q4_k");
}

TEST_F(WeightTableTest, WrongByteCount) {
  Q4WeightSpec spec = wSpec();
  spec.bytes = 144;
  bind({spec});
  EXPECT_NE(failure(table).find("holds 288 bytes, but the library expects 144"),
            std::string::npos)
      << failure(table);
}

TEST_F(WeightTableTest, TruncatedFile) {
  writeModel(std::vector<uint8_t>(file.begin(), file.end() - 100));
  bind({normSpec(), wSpec()});
  EXPECT_NE(failure(table).find("extends past the end of the file"),
            std::string::npos)
      << failure(table);
}

TEST_F(WeightTableTest, FailedReloadKeepsTheWeights) {
  bind({normSpec()});
  ASSERT_EQ(q4_weights_ensure(&table), nullptr);
  const void *before = data[0];
  EXPECT_NE(q4_weights_load(&table, "/nonexistent"), nullptr);
  EXPECT_EQ(table.loaded, 1);
  EXPECT_EQ(data[0], before);
  EXPECT_EQ(std::memcmp(data[0], norm.data(), 16), 0);
}

} // namespace
