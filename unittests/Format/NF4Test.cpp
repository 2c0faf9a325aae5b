//===- NF4Test.cpp - NF4 against bitsandbytes' golden vectors -------------===//

#include "Golden.h"

#include "Format/DynamicMap.h"
#include "Format/NF4.h"

#include <gtest/gtest.h>

#include <vector>

using namespace quant4;
using namespace quant4::format;

namespace {

std::vector<golden::Case> nf4Cases() {
  std::vector<golden::Case> cases = golden::cases("nf4");
  EXPECT_EQ(cases.size(), 13u);
  for (const golden::Case &c : cases)
    EXPECT_GT(c.blockSize, 0) << c.name;
  return cases;
}

TEST(NF4Golden, CodebookMatchesBitsandbytes) {
  std::vector<float> expected = golden::floats("nf4", "nf4_codebook.f32", 16);
  std::vector<float> actual(nf4Codebook().begin(), nf4Codebook().end());
  EXPECT_EQ(golden::bitsOf(actual), golden::bitsOf(expected));
}

TEST(NF4Golden, GeneratedDynamicMapMatchesBitsandbytes) {
  std::vector<float> expected =
      golden::floats("nf4", "dynamic_map_signed8.f32", 256);
  std::vector<float> actual(signedDynamicMap().begin(),
                            signedDynamicMap().end());
  EXPECT_EQ(
      golden::firstDifference(golden::bitsOf(actual), golden::bitsOf(expected)),
      -1);
}

TEST(NF4Golden, QuantizeIsBitExactOnEveryCase) {
  for (const golden::Case &c : nf4Cases()) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    int64_t blocks = nf4NumBlocks(n, c.blockSize);
    std::vector<float> x = golden::floats("nf4", c.name + ".input.f32", n);
    std::vector<uint8_t> codes(static_cast<size_t>(nf4CodeBytes(n)));
    std::vector<float> absmax(static_cast<size_t>(blocks));
    ASSERT_TRUE(
        quantizeNF4(x.data(), n, c.blockSize, codes.data(), absmax.data()));
    EXPECT_EQ(
        golden::firstDifference(
            codes, golden::bytes("nf4", c.name + ".nf4.u8", nf4CodeBytes(n))),
        -1);
    EXPECT_EQ(
        golden::firstDifference(golden::bitsOf(absmax),
                                golden::bitsOf(golden::floats(
                                    "nf4", c.name + ".absmax.f32", blocks))),
        -1);
  }
}

TEST(NF4Golden, DequantizeIsBitExactOnEveryCase) {
  for (const golden::Case &c : nf4Cases()) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<uint8_t> codes =
        golden::bytes("nf4", c.name + ".nf4.u8", nf4CodeBytes(n));
    std::vector<float> absmax = golden::floats("nf4", c.name + ".absmax.f32",
                                               nf4NumBlocks(n, c.blockSize));
    std::vector<float> y(static_cast<size_t>(n));
    ASSERT_TRUE(
        dequantizeNF4(codes.data(), absmax.data(), n, c.blockSize, y.data()));
    EXPECT_EQ(golden::firstDifference(golden::bitsOf(y),
                                      golden::bitsOf(golden::floats(
                                          "nf4", c.name + ".dequant.f32", n))),
              -1);
  }
}

TEST(NF4Golden, DoubleQuantIsBitExactOnEveryNestedCase) {
  int nestedCases = 0;
  for (const golden::Case &c : nf4Cases()) {
    if (!c.nested)
      continue;
    ++nestedCases;
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    int64_t blocks = nf4NumBlocks(n, c.blockSize);
    int64_t groups = nf4NumBlocks(blocks, 256);
    std::vector<float> absmax =
        golden::floats("nf4", c.name + ".absmax.f32", blocks);
    NF4NestedAbsmax nested = compressAbsmax(absmax.data(), blocks);
    EXPECT_EQ(golden::firstDifference(
                  nested.qabsmax,
                  golden::bytes("nf4", c.name + ".nested.qabsmax.u8", blocks)),
              -1);
    EXPECT_EQ(golden::bitsOf(nested.absmax2),
              golden::bitsOf(golden::floats(
                  "nf4", c.name + ".nested.absmax2.f32", groups)));
    EXPECT_EQ(golden::bitsOf({nested.offset}),
              golden::bitsOf(
                  golden::floats("nf4", c.name + ".nested.offset.f32", 1)));

    // Decompress the golden nested statistics and dequantize with them.
    std::vector<uint8_t> q =
        golden::bytes("nf4", c.name + ".nested.qabsmax.u8", blocks);
    std::vector<float> absmax2 =
        golden::floats("nf4", c.name + ".nested.absmax2.f32", groups);
    std::vector<float> offset =
        golden::floats("nf4", c.name + ".nested.offset.f32", 1);
    std::vector<float> recovered(static_cast<size_t>(blocks));
    decompressAbsmax(q.data(), absmax2.data(), offset[0], blocks,
                     recovered.data());
    EXPECT_EQ(golden::firstDifference(
                  golden::bitsOf(recovered),
                  golden::bitsOf(golden::floats(
                      "nf4", c.name + ".nested.absmax_dequant.f32", blocks))),
              -1);
    std::vector<uint8_t> codes =
        golden::bytes("nf4", c.name + ".nf4.u8", nf4CodeBytes(n));
    std::vector<float> y(static_cast<size_t>(n));
    ASSERT_TRUE(dequantizeNF4(codes.data(), recovered.data(), n, c.blockSize,
                              y.data()));
    EXPECT_EQ(
        golden::firstDifference(golden::bitsOf(y),
                                golden::bitsOf(golden::floats(
                                    "nf4", c.name + ".nested.dequant.f32", n))),
        -1);
  }
  EXPECT_EQ(nestedCases, 2);
}

TEST(NF4, RejectsUnsupportedBlockSizes) {
  float x[96] = {};
  uint8_t codes[48];
  float absmax[4];
  for (int64_t bs : {0, 16, 48, 8192}) {
    Status s = quantizeNF4(x, 96, bs, codes, absmax);
    EXPECT_FALSE(s.ok()) << bs;
    EXPECT_NE(s.message().find("block size"), std::string::npos);
  }
}

TEST(NF4, OddLengthPadsWithCodeSeven) {
  // bitsandbytes appends one scaled 0.0 (code 7) to an odd-length tensor.
  std::vector<float> x = {1.0f, -1.0f, 0.5f};
  uint8_t codes[2];
  float absmax[1];
  ASSERT_TRUE(quantizeNF4(x.data(), 3, 64, codes, absmax));
  EXPECT_EQ(codes[1] & 0xF, 7);
  EXPECT_EQ(codes[0], 0xF0); // 1.0 -> code 15 (high), -1.0 -> code 0.
}

} // namespace
