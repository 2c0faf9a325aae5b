//===- FastDequantTest.cpp - Vector dequantization == scalar --------------===//
//
// Every instruction set this CPU supports must reproduce the golden floats
// and the scalar code's bits on random storage (including NaN and infinite
// scales).
//
//===----------------------------------------------------------------------===//

#include "Golden.h"

#include "Format/FastDequant.h"
#include "Format/MXFP4.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace quant4;
using namespace quant4::format;

namespace {

/// Bits, with every NaN mapped to one pattern (NaN payloads may legally
/// differ between scalar and vector code).
std::vector<uint32_t> canonicalBits(const std::vector<float> &v) {
  std::vector<uint32_t> bits = golden::bitsOf(v);
  for (size_t i = 0; i < v.size(); ++i)
    if (std::isnan(v[i]))
      bits[i] = 0x7fc00000u;
  return bits;
}

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (uint8_t &b : bytes)
    b = uint8_t(rng());
  return bytes;
}

class FastDequant : public ::testing::TestWithParam<Isa> {};

TEST(FastDequantIsa, ScalarIsAlwaysSupportedAndBestIsListed) {
  std::vector<Isa> isas = supportedIsas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::Scalar);
  EXPECT_EQ(isas.back(), bestIsa());
}

TEST_P(FastDequant, Q4KGolden) {
  for (const golden::Case &c : golden::cases("q4k")) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<uint8_t> blocks = golden::bytes("q4k", c.name + ".q4k");
    std::vector<float> y(static_cast<size_t>(n));
    dequantizeQ4KWith(GetParam(), blocks.data(), n, y.data());
    EXPECT_EQ(golden::firstDifference(golden::bitsOf(y),
                                      golden::bitsOf(golden::floats(
                                          "q4k", c.name + ".dequant.f32", n))),
              -1);
  }
}

TEST_P(FastDequant, NF4Golden) {
  for (const golden::Case &c : golden::cases("nf4")) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<uint8_t> codes = golden::bytes("nf4", c.name + ".nf4.u8");
    std::vector<float> absmax = golden::floats("nf4", c.name + ".absmax.f32",
                                               nf4NumBlocks(n, c.blockSize));
    std::vector<float> y(static_cast<size_t>(n));
    ASSERT_TRUE(dequantizeNF4With(GetParam(), codes.data(), absmax.data(), n,
                                  c.blockSize, y.data()));
    EXPECT_EQ(golden::firstDifference(golden::bitsOf(y),
                                      golden::bitsOf(golden::floats(
                                          "nf4", c.name + ".dequant.f32", n))),
              -1);
  }
}

TEST_P(FastDequant, MXFP4Golden) {
  for (const golden::Case &c : golden::cases("mxfp4")) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<float> y(static_cast<size_t>(n));
    dequantizeMXFP4With(GetParam(),
                        golden::bytes("mxfp4", c.name + ".ggml.mxfp4").data(),
                        nullptr, n, MXFP4Layout::GGML, y.data());
    EXPECT_EQ(
        golden::firstDifference(golden::bitsOf(y),
                                golden::bitsOf(golden::floats(
                                    "mxfp4", c.name + ".ggml.dequant.f32", n))),
        -1);
    std::string prefix = c.name + ".ocp_rne";
    std::vector<uint8_t> blocks =
        golden::bytes("mxfp4", prefix + ".hf_blocks.u8");
    std::vector<uint8_t> scales =
        golden::bytes("mxfp4", prefix + ".hf_scales.u8");
    dequantizeMXFP4With(GetParam(), blocks.data(), scales.data(), n,
                        MXFP4Layout::HF, y.data());
    EXPECT_EQ(golden::firstDifference(
                  golden::bitsOf(y), golden::bitsOf(golden::floats(
                                         "mxfp4", prefix + ".dequant.f32", n))),
              -1);
  }
}

TEST_P(FastDequant, RandomStorageMatchesScalar) {
  const int64_t n = 4096;
  std::vector<float> expected(n), actual(n);
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    std::vector<uint8_t> q4k = randomBytes(n / 256 * 144, seed);
    dequantizeQ4K(q4k.data(), n, expected.data());
    dequantizeQ4KWith(GetParam(), q4k.data(), n, actual.data());
    EXPECT_EQ(canonicalBits(actual), canonicalBits(expected)) << "q4_k";

    for (MXFP4Layout layout : {MXFP4Layout::GGML, MXFP4Layout::HF}) {
      std::vector<uint8_t> blocks = randomBytes(n / 32 * 17, seed + 100);
      std::vector<uint8_t> scales = randomBytes(n / 32, seed + 200);
      dequantizeMXFP4(blocks.data(), scales.data(), n, layout, expected.data());
      dequantizeMXFP4With(GetParam(), blocks.data(), scales.data(), n, layout,
                          actual.data());
      EXPECT_EQ(canonicalBits(actual), canonicalBits(expected)) << "mxfp4";
    }

    // Odd lengths and every block size exercise the vector/scalar split.
    std::mt19937 rng(seed);
    int64_t blockSize = int64_t(32) << (seed % 8);
    int64_t m = n - int64_t(rng() % 97);
    std::vector<uint8_t> codes = randomBytes(size_t(nf4CodeBytes(m)), seed);
    std::vector<float> absmax(size_t(nf4NumBlocks(m, blockSize)));
    std::normal_distribution<float> gauss;
    for (float &a : absmax)
      a = std::fabs(gauss(rng));
    ASSERT_TRUE(dequantizeNF4(codes.data(), absmax.data(), m, blockSize,
                              expected.data()));
    ASSERT_TRUE(dequantizeNF4With(GetParam(), codes.data(), absmax.data(), m,
                                  blockSize, actual.data()));
    expected.resize(size_t(m));
    actual.resize(size_t(m));
    EXPECT_EQ(canonicalBits(actual), canonicalBits(expected))
        << "nf4 block " << blockSize << " n " << m;
    expected.resize(size_t(n));
    actual.resize(size_t(n));
  }
}

INSTANTIATE_TEST_SUITE_P(SupportedIsas, FastDequant,
                         ::testing::ValuesIn(supportedIsas()),
                         [](const ::testing::TestParamInfo<Isa> &info) {
                           return std::string(isaName(info.param));
                         });

} // namespace
