//===- Float16.cpp - Scalar conversions with ggml semantics ---------------===//

#include "Format/Float16.h"

#include <limits>

namespace quant4::format {

float fp16ToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f)
    return floatFromBits(sign | 0x7f800000 | (mant << 13));
  if (exp != 0)
    return floatFromBits(sign | ((exp + 112) << 23) | (mant << 13));
  // Zero or subnormal: mant * 2^-24 is exact in float32.
  float magnitude = float(mant) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

namespace {
/// Shifts `value` right by `shift` bits rounding to nearest even.
uint32_t shiftRightRne(uint32_t value, int shift) {
  uint32_t kept = value >> shift;
  uint32_t rest = value & ((1u << shift) - 1);
  uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1)))
    ++kept;
  return kept;
}
} // namespace

uint16_t floatToFp16(float f) {
  uint32_t x = floatBits(f);
  auto sign = uint16_t((x >> 16) & 0x8000);
  uint32_t a = x & 0x7fffffff;
  if (a > 0x7f800000)
    return sign | 0x7e00; // ggml's software path: one quiet NaN.
  if (a >= 0x47800000)    // >= 2^16 (or infinity): infinity.
    return sign | 0x7c00;
  int exp = int(a >> 23) - 127;
  uint32_t mant = a & 0x7fffff;
  if (exp >= -14) {
    // Normal half; a carry out of the mantissa correctly bumps the exponent
    // (and turns 65520 and above into infinity).
    uint32_t h = (uint32_t(exp + 15) << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
      ++h;
    return sign | uint16_t(h);
  }
  if (exp < -25)
    return sign;
  // Subnormal half: units of 2^-24; value = (mant | 2^23) * 2^(exp-23).
  return sign | uint16_t(shiftRightRne(mant | 0x800000, -(exp + 1)));
}

uint16_t floatToBf16(float f) {
  uint32_t u = floatBits(f);
  if ((u & 0x7fffffff) > 0x7f800000)
    return uint16_t((u >> 16) | 64);
  return uint16_t((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

void fp16ToFloat(const uint16_t *in, int64_t n, float *out) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = fp16ToFloat(in[i]);
}
void floatToFp16(const float *in, int64_t n, uint16_t *out) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = floatToFp16(in[i]);
}
void bf16ToFloat(const uint16_t *in, int64_t n, float *out) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = bf16ToFloat(in[i]);
}
void floatToBf16(const float *in, int64_t n, uint16_t *out) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = floatToBf16(in[i]);
}

float e8m0ToFloat(uint8_t e) {
  if (e == 0xff)
    return std::numeric_limits<float>::quiet_NaN();
  if (e == 0)
    return floatFromBits(0x00400000); // 2^-127, subnormal.
  return floatFromBits(uint32_t(e) << 23);
}

} // namespace quant4::format
