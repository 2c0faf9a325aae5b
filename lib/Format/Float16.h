//===- Float16.h - Scalar conversions with ggml semantics -------*- C++ -*-===//
//
// fp16 and bf16 conversions as ggml performs them (round to nearest even,
// subnormals kept, NaN kept quiet), E8M0 scales and ggml's nearest_int.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_FLOAT16_H
#define QUANT4_FORMAT_FLOAT16_H

#include <cstdint>
#include <cstring>

namespace quant4::format {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

inline float floatFromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

/// IEEE binary16 -> float32 (exact).
float fp16ToFloat(uint16_t h);
/// float32 -> IEEE binary16, round to nearest even, subnormals kept,
/// overflow to infinity, NaN to a quiet NaN (ggml's GGML_FP32_TO_FP16).
uint16_t floatToFp16(float f);

/// Reads the little-endian fp16 at `p` as a float.
inline float loadFp16(const uint8_t *p) {
  uint16_t h;
  std::memcpy(&h, p, sizeof(h));
  return fp16ToFloat(h);
}
/// Stores floatToFp16(f) little-endian at `p`.
inline void storeFp16(uint8_t *p, float f) {
  uint16_t h = floatToFp16(f);
  std::memcpy(p, &h, sizeof(h));
}

/// bfloat16 -> float32 (exact).
inline float bf16ToFloat(uint16_t h) {
  return floatFromBits(uint32_t(h) << 16);
}
/// float32 -> bfloat16 as ggml_compute_fp32_to_bf16: round to nearest even,
/// subnormals kept, NaN forced quiet.
uint16_t floatToBf16(float f);

/// Array forms of the conversions above.
void fp16ToFloat(const uint16_t *in, int64_t n, float *out);
void floatToFp16(const float *in, int64_t n, uint16_t *out);
void bf16ToFloat(const uint16_t *in, int64_t n, float *out);
void floatToBf16(const float *in, int64_t n, uint16_t *out);

/// E8M0 scale byte -> 2^(e-127); 0xFF is NaN (OCP MX v1.0). e = 0 gives the
/// subnormal 2^-127.
float e8m0ToFloat(uint8_t e);

/// ggml's nearest_int: adds 1.5*2^23 in float32 and reads the mantissa, i.e.
/// round half to even, valid for |x| <= 2^22.
inline int nearestInt(float x) {
  float v = x + 12582912.f;
  int32_t i;
  std::memcpy(&i, &v, sizeof(i));
  return (i & 0x007fffff) - 0x00400000;
}

} // namespace quant4::format

#endif // QUANT4_FORMAT_FLOAT16_H
