//===- MXFP4Test.cpp - MXFP4 against ggml's and the OCP golden vectors ----===//

#include "Golden.h"

#include "Format/MXFP4.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace quant4;
using namespace quant4::format;

namespace {

/// One golden producer: its file-name tag and the rule that reproduces it.
struct Producer {
  const char *tag;
  MXFP4Rule rule;
};
const Producer kProducers[] = {{"ggml", MXFP4Rule::GGML},
                               {"ocp_rne", MXFP4Rule::OCP}};

std::vector<golden::Case> mxfp4Cases() {
  std::vector<golden::Case> cases = golden::cases("mxfp4");
  EXPECT_EQ(cases.size(), 12u);
  return cases;
}

TEST(MXFP4Golden, QuantizeHFLayoutIsBitExactOnEveryCase) {
  for (const golden::Case &c : mxfp4Cases()) {
    for (const Producer &p : kProducers) {
      SCOPED_TRACE(c.name + " " + p.tag);
      int64_t n = c.numel(), g = n / kMXFP4Block;
      std::vector<float> x = golden::floats("mxfp4", c.name + ".input.f32", n);
      std::vector<uint8_t> blocks(static_cast<size_t>(g * 16)),
          scales(static_cast<size_t>(g));
      quantizeMXFP4(x.data(), n, p.rule, MXFP4Layout::HF, blocks.data(),
                    scales.data());
      std::string prefix = c.name + "." + p.tag;
      EXPECT_EQ(
          golden::firstDifference(
              blocks, golden::bytes("mxfp4", prefix + ".hf_blocks.u8", g * 16)),
          -1);
      EXPECT_EQ(
          golden::firstDifference(
              scales, golden::bytes("mxfp4", prefix + ".hf_scales.u8", g)),
          -1);
    }
  }
}

TEST(MXFP4Golden, QuantizeGGMLLayoutIsBitExactOnEveryCase) {
  for (const golden::Case &c : mxfp4Cases()) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel(), g = n / kMXFP4Block;
    std::vector<float> x = golden::floats("mxfp4", c.name + ".input.f32", n);
    std::vector<uint8_t> blocks(static_cast<size_t>(g * 17));
    quantizeMXFP4(x.data(), n, MXFP4Rule::GGML, MXFP4Layout::GGML,
                  blocks.data(), nullptr);
    EXPECT_EQ(
        golden::firstDifference(
            blocks, golden::bytes("mxfp4", c.name + ".ggml.mxfp4", g * 17)),
        -1);
  }
}

TEST(MXFP4Golden, DequantizeIsBitExactOnEveryCase) {
  for (const golden::Case &c : mxfp4Cases()) {
    int64_t n = c.numel(), g = n / kMXFP4Block;
    for (const Producer &p : kProducers) {
      SCOPED_TRACE(c.name + " " + p.tag);
      std::string prefix = c.name + "." + p.tag;
      std::vector<uint32_t> expected =
          golden::bitsOf(golden::floats("mxfp4", prefix + ".dequant.f32", n));
      std::vector<uint8_t> blocks =
          golden::bytes("mxfp4", prefix + ".hf_blocks.u8", g * 16);
      std::vector<uint8_t> scales =
          golden::bytes("mxfp4", prefix + ".hf_scales.u8", g);
      std::vector<float> y(static_cast<size_t>(n));
      dequantizeMXFP4(blocks.data(), scales.data(), n, MXFP4Layout::HF,
                      y.data());
      EXPECT_EQ(golden::firstDifference(golden::bitsOf(y), expected), -1);
      if (p.rule != MXFP4Rule::GGML)
        continue;
      std::vector<uint8_t> ggmlBlocks =
          golden::bytes("mxfp4", c.name + ".ggml.mxfp4", g * 17);
      dequantizeMXFP4(ggmlBlocks.data(), nullptr, n, MXFP4Layout::GGML,
                      y.data());
      EXPECT_EQ(golden::firstDifference(golden::bitsOf(y), expected), -1);
    }
  }
}

// ggml's own blocks repacked to the hf layout are the manifest's hf files of
// the same codes, byte for byte, and back.
TEST(MXFP4Golden, RepackBetweenLayoutsIsByteExactOnEveryCase) {
  for (const golden::Case &c : mxfp4Cases()) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel(), g = n / kMXFP4Block;
    std::vector<uint8_t> ggml =
        golden::bytes("mxfp4", c.name + ".ggml.mxfp4", g * 17);
    std::vector<uint8_t> hfBlocks =
        golden::bytes("mxfp4", c.name + ".ggml.hf_blocks.u8", g * 16);
    std::vector<uint8_t> hfScales =
        golden::bytes("mxfp4", c.name + ".ggml.hf_scales.u8", g);
    std::vector<uint8_t> blocks(g * 16), scales(g), back(g * 17);
    repackMXFP4(ggml.data(), nullptr, n, MXFP4Layout::GGML, blocks.data(),
                scales.data(), MXFP4Layout::HF);
    EXPECT_EQ(golden::firstDifference(blocks, hfBlocks), -1);
    EXPECT_EQ(golden::firstDifference(scales, hfScales), -1);
    repackMXFP4(hfBlocks.data(), hfScales.data(), n, MXFP4Layout::HF,
                back.data(), nullptr, MXFP4Layout::GGML);
    EXPECT_EQ(golden::firstDifference(back, ggml), -1);
  }
}

TEST(MXFP4, OptimalNeverHasLargerErrorThanOCP) {
  std::mt19937 rng(1234);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(-8.0f, 8.0f);
  std::uniform_int_distribution<int> exponent(-40, 40);
  float x[kMXFP4Block];
  int improved = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    float scale = std::ldexp(1.0f, exponent(rng));
    for (float &v : x)
      v = (trial % 2 ? gauss(rng) : uniform(rng)) * scale;
    double ocp = mxfp4BlockSSE(x, quantizeMXFP4Block(x, MXFP4Rule::OCP));
    double optimal =
        mxfp4BlockSSE(x, quantizeMXFP4Block(x, MXFP4Rule::Optimal));
    ASSERT_LE(optimal, ocp) << "trial " << trial;
    improved += optimal < ocp;
  }
  // The larger scale wins often enough to matter (blocks with amax near the
  // top of its binade saturate under OCP's rule).
  EXPECT_GT(improved, 100);
}

TEST(MXFP4, ParsesRuleAndLayoutNames) {
  EXPECT_EQ(parseMXFP4Rule("ggml"), MXFP4Rule::GGML);
  EXPECT_EQ(parseMXFP4Rule("ocp"), MXFP4Rule::OCP);
  EXPECT_EQ(parseMXFP4Rule("optimal"), MXFP4Rule::Optimal);
  EXPECT_FALSE(parseMXFP4Rule("rne"));
  EXPECT_EQ(parseMXFP4Layout("hf"), MXFP4Layout::HF);
  EXPECT_EQ(parseMXFP4Layout("ggml"), MXFP4Layout::GGML);
  EXPECT_FALSE(parseMXFP4Layout("gpt-oss"));
}

} // namespace
