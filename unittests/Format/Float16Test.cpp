//===- Float16Test.cpp - fp16 / bf16 conversions --------------------------===//
//
// floatToFp16 is checked against the CPU's own IEEE conversion (F16C
// vcvtps2ph, round to nearest even) when the CPU has it.
//
//===----------------------------------------------------------------------===//

#include "Format/Float16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace quant4::format;

namespace {

TEST(Float16, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = fp16ToFloat(uint16_t(h));
    if (std::isnan(f))
      continue;
    EXPECT_EQ(floatToFp16(f), h) << std::hex << h;
  }
}

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("f16c"))) uint16_t hardwareFp16(float f) {
  return uint16_t(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(f), 0), 0));
}
__attribute__((target("f16c"))) float hardwareFp16ToFloat(uint16_t h) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}

TEST(Float16, MatchesF16CHardware) {
  if (!__builtin_cpu_supports("f16c"))
    GTEST_SKIP() << "CPU without F16C";
  std::mt19937 rng(7);
  for (int i = 0; i < 2000000; ++i) {
    // Bias towards the interesting range: exponents around fp16's.
    uint32_t bits = rng();
    if (i % 2)
      bits = (bits & 0x807fffffu) | ((100u + rng() % 50u) << 23);
    float f = floatFromBits(bits);
    if (std::isnan(f))
      continue;
    ASSERT_EQ(floatToFp16(f), hardwareFp16(f)) << std::hex << bits;
  }
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float expected = hardwareFp16ToFloat(uint16_t(h));
    if (std::isnan(expected))
      continue;
    ASSERT_EQ(floatBits(fp16ToFloat(uint16_t(h))), floatBits(expected));
  }
}
#endif

TEST(Float16, Bf16RoundsToNearestEvenAndKeepsNaNQuiet) {
  EXPECT_EQ(floatToBf16(1.0f), 0x3f80);
  // 1 + 2^-8 is halfway between two bf16 values: ties to even (down).
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f808000u)), 0x3f80);
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f818000u)), 0x3f82);
  EXPECT_EQ(floatToBf16(floatFromBits(0x3f808001u)), 0x3f81);
  // Subnormals are rounded, not flushed.
  EXPECT_EQ(floatToBf16(floatFromBits(0x00010000u)), 0x0001);
  EXPECT_EQ(floatToBf16(floatFromBits(0x7f800001u)) & 0x7fc0, 0x7fc0);
  EXPECT_EQ(floatBits(bf16ToFloat(0xbf80)), floatBits(-1.0f));
}

TEST(Float16, E8M0Scales) {
  EXPECT_EQ(e8m0ToFloat(127), 1.0f);
  EXPECT_EQ(e8m0ToFloat(0), std::ldexp(1.0f, -127));
  EXPECT_EQ(e8m0ToFloat(254), std::ldexp(1.0f, 127));
  EXPECT_TRUE(std::isnan(e8m0ToFloat(255)));
}

TEST(Float16, NearestIntRoundsHalfToEven) {
  EXPECT_EQ(nearestInt(0.5f), 0);
  EXPECT_EQ(nearestInt(1.5f), 2);
  EXPECT_EQ(nearestInt(2.5f), 2);
  EXPECT_EQ(nearestInt(-0.5f), 0);
  EXPECT_EQ(nearestInt(-1.5f), -2);
  EXPECT_EQ(nearestInt(14.49f), 14);
}

} // namespace
