//===- SafetensorsQuantTest.cpp - NF4 / MXFP4 groups in safetensors -------===//

#include "Format/SafetensorsQuant.h"
#include "Format/SafetensorsWriter.h"

#include "ModelFileTestUtil.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

namespace {

std::vector<uint8_t> goldenBytes(const std::string &file) {
  return goldenFile("nf4/" + file);
}

std::vector<uint8_t> bytesOf(const std::string &s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

/// A bitsandbytes-style checkpoint of the golden 64x4096 NF4 case, nested.
SafetensorsWriter nf4Checkpoint(const std::string &state) {
  SafetensorsWriter w;
  const std::string W = "model.layers.0.mlp.down_proj.weight";
  std::vector<uint8_t> codes = goldenBytes("nf4_gauss_64x4096.nf4.u8");
  int64_t codeBytes = static_cast<int64_t>(codes.size());
  EXPECT_TRUE(w.addTensor(W, SafetensorsDType::U8, {codeBytes, 1}, codes));
  EXPECT_TRUE(w.addTensor(W + ".absmax", SafetensorsDType::U8, {4096},
                          goldenBytes("nf4_gauss_64x4096.nested.qabsmax.u8")));
  EXPECT_TRUE(w.addTensor(W + ".nested_absmax", SafetensorsDType::F32, {16},
                          goldenBytes("nf4_gauss_64x4096.nested.absmax2.f32")));
  EXPECT_TRUE(w.addTensor(W + ".quant_map", SafetensorsDType::F32, {16},
                          goldenBytes("nf4_codebook.f32")));
  EXPECT_TRUE(w.addTensor(W + ".nested_quant_map", SafetensorsDType::F32, {256},
                          goldenBytes("dynamic_map_signed8.f32")));
  std::vector<uint8_t> json = bytesOf(state);
  int64_t jsonBytes = static_cast<int64_t>(json.size());
  EXPECT_TRUE(w.addTensor(W + ".quant_state.bitsandbytes__nf4",
                          SafetensorsDType::U8, {jsonBytes}, json));
  EXPECT_TRUE(
      w.addTensor("model.norm.weight", SafetensorsDType::BF16, {4}, iota(8)));
  return w;
}

const char *kNestedState =
    R"({"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", )"
    R"("shape": [64, 4096], "nested_blocksize": 256, "nested_dtype": )"
    R"("float32", "nested_offset": 0.0521856658})";

Expected<std::vector<QuantizedTensorGroup>>
groupsOf(const SafetensorsWriter &w) {
  Expected<SafetensorsFile> f = SafetensorsFile::parse(bufferOf(w.serialize()));
  if (!f)
    return f.status();
  // The groups' views point into the file: keep the buffer alive with a copy.
  static std::vector<SafetensorsFile> keep;
  keep.push_back(*f);
  return findQuantizedGroups(keep.back());
}

} // namespace

TEST(SafetensorsQuant, NF4DoubleQuant) {
  Expected<std::vector<QuantizedTensorGroup>> groups =
      groupsOf(nf4Checkpoint(kNestedState));
  ASSERT_TRUE(groups) << groups.message();
  ASSERT_EQ(groups->size(), 1u);
  const QuantizedTensorGroup &g = (*groups)[0];
  EXPECT_EQ(g.name, "model.layers.0.mlp.down_proj.weight");
  EXPECT_EQ(g.format, FormatKind::NF4);
  EXPECT_EQ(g.shape, (std::vector<int64_t>{64, 4096}));
  EXPECT_EQ(g.blockSize, 64);
  EXPECT_TRUE(g.doubleQuant);
  EXPECT_EQ(g.dtype, "bfloat16");
  EXPECT_EQ(g.members.size(), 6u);
  // Planes follow Layout.h and have its sizes.
  BlockLayout layout = nf4Layout(64, true);
  ASSERT_EQ(g.planes.size(), layout.planes.size());
  int64_t blocks = *layout.numBlocks(g.numElements());
  for (size_t p = 0; p < g.planes.size(); ++p) {
    EXPECT_EQ(g.planes[p].name, layout.planes[p].name);
    EXPECT_EQ(static_cast<int64_t>(g.planes[p].bytes.size),
              *layout.planeBytes(p, blocks))
        << g.planes[p].name;
  }
  std::vector<uint8_t> codes = goldenBytes("nf4_gauss_64x4096.nf4.u8");
  EXPECT_EQ(0, std::memcmp(g.planes[0].bytes.data, codes.data(), codes.size()));
  float offset;
  std::memcpy(&offset, g.planes[3].bytes.data, 4);
  EXPECT_FLOAT_EQ(offset, 0.0521856658f);
  EXPECT_EQ(g.quantMap.size, 64u);
  EXPECT_EQ(g.nestedQuantMap.size, 1024u);
}

TEST(SafetensorsQuant, NF4Plain) {
  SafetensorsWriter w;
  std::vector<uint8_t> codes = goldenBytes("nf4_gauss_4096.nf4.u8");
  EXPECT_TRUE(w.addTensor("w", SafetensorsDType::U8, {2048, 1}, codes));
  EXPECT_TRUE(w.addTensor("w.absmax", SafetensorsDType::F32, {64},
                          goldenBytes("nf4_gauss_4096.absmax.f32")));
  std::string state =
      R"({"quant_type":"nf4","blocksize":64,"dtype":"float16","shape":[1,4096]})";
  EXPECT_TRUE(
      w.addTensor("w.quant_state.bitsandbytes__nf4", SafetensorsDType::U8,
                  {static_cast<int64_t>(state.size())}, bytesOf(state)));
  Expected<std::vector<QuantizedTensorGroup>> groups = groupsOf(w);
  ASSERT_TRUE(groups) << groups.message();
  ASSERT_EQ(groups->size(), 1u);
  const QuantizedTensorGroup &g = (*groups)[0];
  EXPECT_FALSE(g.doubleQuant);
  ASSERT_EQ(g.planes.size(), 2u);
  EXPECT_EQ(g.planes[1].name, "absmax");
  EXPECT_EQ(g.planes[1].bytes.size, 256u);
  EXPECT_EQ(g.quantMap.size, 0u);
}

TEST(SafetensorsQuant, NF4Errors) {
  auto expectError = [](const std::string &state, const std::string &fragment) {
    Expected<std::vector<QuantizedTensorGroup>> groups =
        groupsOf(nf4Checkpoint(state));
    ASSERT_FALSE(groups) << state;
    EXPECT_NE(groups.message().find(fragment), std::string::npos)
        << groups.message();
  };
  expectError("{not json", "bad quant state");
  expectError("[1]", "not a JSON object");
  expectError(R"({"quant_type":"fp4","blocksize":64,"shape":[64,4096]})",
              "quant_type");
  expectError(R"({"quant_type":"nf4","blocksize":48,"shape":[64,4096]})",
              "blocksize");
  expectError(R"({"quant_type":"nf4","blocksize":64})", "no shape");
  expectError(R"({"quant_type":"nf4","blocksize":64,"shape":[64,-1]})",
              "shape is invalid");
  expectError(R"({"quant_type":"nf4","blocksize":64,)"
              R"("shape":[4294967296,4294967296]})",
              "too large");
  // The stored codes do not match a shape of 32x4096.
  expectError(R"({"quant_type":"nf4","blocksize":64,"shape":[32,4096],)"
              R"("nested_blocksize":256,"nested_offset":0.5})",
              "values, expected");
  // Not nested: absmax must be float32.
  expectError(R"({"quant_type":"nf4","blocksize":64,"shape":[64,4096]})",
              "dtype U8, expected F32");
  expectError(R"({"quant_type":"nf4","blocksize":64,"shape":[64,4096],)"
              R"("nested_blocksize":128,"nested_offset":0.5})",
              "nested_blocksize");
}

TEST(SafetensorsQuant, MXFP4GptOss) {
  std::vector<uint8_t> blocks =
      goldenFile("mxfp4/mxfp4_gauss_64x4096.ggml.hf_blocks.u8");
  std::vector<uint8_t> scales =
      goldenFile("mxfp4/mxfp4_gauss_64x4096.ggml.hf_scales.u8");
  SafetensorsWriter w;
  // [experts=2, rows=32, G=128, 16], gpt-oss HF naming with underscores.
  const std::string base = "model.layers.0.mlp.experts.gate_up_proj";
  EXPECT_TRUE(w.addTensor(base + "_blocks", SafetensorsDType::U8,
                          {2, 32, 128, 16}, blocks));
  EXPECT_TRUE(w.addTensor(base + "_scales", SafetensorsDType::U8, {2, 32, 128},
                          scales));
  EXPECT_TRUE(w.addTensor("lonely.blocks", SafetensorsDType::U8, {1}, iota(1)));
  Expected<std::vector<QuantizedTensorGroup>> groups = groupsOf(w);
  ASSERT_TRUE(groups) << groups.message();
  ASSERT_EQ(groups->size(), 1u);
  const QuantizedTensorGroup &g = (*groups)[0];
  EXPECT_EQ(g.name, base);
  EXPECT_EQ(g.format, FormatKind::MXFP4);
  EXPECT_EQ(g.shape, (std::vector<int64_t>{2, 32, 4096}));
  BlockLayout layout = mxfp4Layout(MXFP4Layout::HF);
  int64_t numBlocks = *layout.numBlocks(g.numElements());
  ASSERT_EQ(g.planes.size(), 2u);
  for (size_t p = 0; p < 2; ++p) {
    EXPECT_EQ(g.planes[p].name, layout.planes[p].name);
    EXPECT_EQ(static_cast<int64_t>(g.planes[p].bytes.size),
              *layout.planeBytes(p, numBlocks));
  }
  EXPECT_EQ(0,
            std::memcmp(g.planes[1].bytes.data, scales.data(), scales.size()));
}

TEST(SafetensorsQuant, MXFP4Mismatch) {
  SafetensorsWriter w;
  EXPECT_TRUE(w.addTensor("x.blocks", SafetensorsDType::U8, {4, 16}, iota(64)));
  EXPECT_TRUE(w.addTensor("x.scales", SafetensorsDType::U8, {3}, iota(3)));
  Expected<std::vector<QuantizedTensorGroup>> groups = groupsOf(w);
  ASSERT_FALSE(groups);
  EXPECT_NE(groups.message().find("scales shape"), std::string::npos);

  SafetensorsWriter w2;
  EXPECT_TRUE(w2.addTensor("x.blocks", SafetensorsDType::U8, {4, 8}, iota(32)));
  EXPECT_TRUE(w2.addTensor("x.scales", SafetensorsDType::U8, {4}, iota(4)));
  EXPECT_FALSE(groupsOf(w2));
}

TEST(SafetensorsQuant, UnsupportedQuantState) {
  SafetensorsWriter w;
  EXPECT_TRUE(w.addTensor("w", SafetensorsDType::U8, {1}, iota(1)));
  EXPECT_TRUE(w.addTensor("w.quant_state.bitsandbytes__fp4",
                          SafetensorsDType::U8, {2}, bytesOf("{}")));
  Expected<std::vector<QuantizedTensorGroup>> groups = groupsOf(w);
  ASSERT_FALSE(groups);
  EXPECT_NE(groups.message().find("bitsandbytes__fp4"), std::string::npos);
}
