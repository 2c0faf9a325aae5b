//===- Q4KTest.cpp - Q4_K and Q8_K against ggml's golden vectors ----------===//

#include "Golden.h"

#include "Format/GgmlBlocks.h"
#include "Format/Layout.h"
#include "Format/Q4K.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace quant4;
using namespace quant4::format;

namespace {

TEST(Q4KGolden, QuantizeIsBitExactOnEveryCase) {
  std::vector<golden::Case> cases = golden::cases("q4k");
  EXPECT_EQ(cases.size(), 15u);
  for (const golden::Case &c : cases) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<float> x = golden::floats("q4k", c.name + ".input.f32", n);
    std::vector<uint8_t> expected =
        golden::bytes("q4k", c.name + ".q4k", n / kQK_K * kQ4KBlockBytes);
    std::vector<uint8_t> actual(
        static_cast<size_t>(n / kQK_K * kQ4KBlockBytes));
    quantizeQ4K(x.data(), n, actual.data());
    EXPECT_EQ(golden::firstDifference(actual, expected), -1)
        << "first differing byte";
  }
}

TEST(Q4KGolden, DequantizeIsBitExactOnEveryCase) {
  for (const golden::Case &c : golden::cases("q4k")) {
    SCOPED_TRACE(c.name);
    int64_t n = c.numel();
    std::vector<uint8_t> blocks =
        golden::bytes("q4k", c.name + ".q4k", n / kQK_K * kQ4KBlockBytes);
    std::vector<float> expected =
        golden::floats("q4k", c.name + ".dequant.f32", n);
    std::vector<float> actual(static_cast<size_t>(n));
    dequantizeQ4K(blocks.data(), n, actual.data());
    EXPECT_EQ(golden::firstDifference(golden::bitsOf(actual),
                                      golden::bitsOf(expected)),
              -1);
  }
}

TEST(Q4KGolden, GemvRowsMatchExactDotProducts) {
  const int64_t n = 4096LL * 4096;
  std::vector<uint8_t> w =
      golden::bytes("q4k", "gemv_W_4096x4096.q4k", n / kQK_K * kQ4KBlockBytes);
  ASSERT_FALSE(w.empty());
  std::vector<float> y(static_cast<size_t>(n));
  dequantizeQ4K(w.data(), n, y.data());
  // ggml's product of this weight with the Q8_K activation matches the exact
  // dot products of our dequantized rows up to float32 accumulation order.
  std::vector<uint8_t> xq =
      golden::bytes("q4k", "gemv_x_4096.q8k", 16 * kQ8KBlockBytes);
  ASSERT_EQ(xq.size(), size_t(16 * kQ8KBlockBytes));
  std::vector<double> x(4096); // d * q exactly.
  for (int64_t k = 0; k < 4096; ++k) {
    const uint8_t *block = xq.data() + (k / kQK_K) * kQ8KBlockBytes;
    float d;
    std::memcpy(&d, block, 4);
    x[k] = double(d) * double(int8_t(block[4 + k % kQK_K]));
  }
  std::vector<uint8_t> ref =
      golden::bytes("q4k", "gemv_y_ref_q8k_f64_4096.f64", 4096 * 8);
  ASSERT_EQ(ref.size(), 4096u * 8);
  for (int64_t r = 0; r < 4096; r += 97) {
    double acc = 0;
    for (int64_t k = 0; k < 4096; ++k)
      acc += double(y[r * 4096 + k]) * x[k];
    double expected;
    std::memcpy(&expected, ref.data() + r * 8, 8);
    EXPECT_NEAR(acc, expected, 1e-9 * (1 + std::fabs(expected))) << "row " << r;
  }
}

TEST(Q8KGolden, QuantizeMatchesGgml) {
  std::vector<float> x = golden::floats("q4k", "gemv_x_4096.f32", 4096);
  std::vector<uint8_t> expected =
      golden::bytes("q4k", "gemv_x_4096.q8k", 16 * kQ8KBlockBytes);
  std::vector<uint8_t> actual(16 * kQ8KBlockBytes);
  quantizeQ8K(x.data(), 4096, actual.data());
  EXPECT_EQ(golden::firstDifference(actual, expected), -1);
}

TEST(Q4K, ScaleMinUnpacksSixBitFields) {
  // Field layout from ggml-common.h: sub-blocks 4..7 take their low nibbles
  // from scales[8..11] and their top two bits from bits 6..7 of scales[0..7].
  uint8_t scales[12] = {0xC1, 0x42, 0x03, 0x04, 0x85, 0x06,
                        0x07, 0x48, 0x9A, 0xBC, 0xDE, 0xF0};
  uint8_t sc, m;
  q4kScaleMin(0, scales, sc, m);
  EXPECT_EQ(sc, 0x01);
  EXPECT_EQ(m, 0x05);
  q4kScaleMin(4, scales, sc, m);
  EXPECT_EQ(sc, 0x0A | (3 << 4));
  EXPECT_EQ(m, 0x09 | (2 << 4));
  q4kScaleMin(7, scales, sc, m);
  EXPECT_EQ(sc, 0x00 | (0 << 4));
  EXPECT_EQ(m, 0x0F | (1 << 4));
}

} // namespace
