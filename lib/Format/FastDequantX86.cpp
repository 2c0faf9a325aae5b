//===- FastDequantX86.cpp - AVX2 and AVX-512 dequantization ---------------===//
//
// The loops of FastDequantKernels.inc compiled twice, for AVX2 and for
// AVX-512 (F+BW), through target attributes applied to a whole region; the
// dispatcher in FastDequant.cpp only calls a variant the CPU supports.
//
//===----------------------------------------------------------------------===//

#include "Format/FastDequantX86.h"

#if QUANT4_FORMAT_HAVE_X86_KERNELS

#include "Format/Float16.h"
#include "Format/MXFP4.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"

#include <cstring>
#include <immintrin.h>

namespace quant4::format::x86 {

#pragma clang attribute push(__attribute__((target("avx2"))),                  \
                             apply_to = function)
namespace avx2 {

/// 16 entries as two 8-float halves; bit 3 of the index picks the half.
struct Table {
  __m256 lo, hi;
};
inline Table makeTable(const float *values) {
  return {_mm256_loadu_ps(values), _mm256_loadu_ps(values + 8)};
}
inline __m256 lookup8(__m256i idx, const Table &t) {
  __m256 lo = _mm256_permutevar8x32_ps(t.lo, idx);
  __m256 hi = _mm256_permutevar8x32_ps(t.hi, idx);
  return _mm256_blendv_ps(lo, hi,
                          _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
}
inline void emitLookup(float *y, __m128i idx, const Table &t, float scale) {
  __m256 s = _mm256_set1_ps(scale);
  __m256i i0 = _mm256_cvtepu8_epi32(idx);
  __m256i i1 = _mm256_cvtepu8_epi32(_mm_srli_si128(idx, 8));
  _mm256_storeu_ps(y, _mm256_mul_ps(lookup8(i0, t), s));
  _mm256_storeu_ps(y + 8, _mm256_mul_ps(lookup8(i1, t), s));
}
inline void emitAffine(float *y, __m128i q, float d, float m) {
  __m256 vd = _mm256_set1_ps(d), vm = _mm256_set1_ps(m);
  __m256 q0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q));
  __m256 q1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(q, 8)));
  _mm256_storeu_ps(y, _mm256_sub_ps(_mm256_mul_ps(vd, q0), vm));
  _mm256_storeu_ps(y + 8, _mm256_sub_ps(_mm256_mul_ps(vd, q1), vm));
}

#include "FastDequantKernels.inc"

} // namespace avx2
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512bw"))), \
                             apply_to = function)
namespace avx512 {

using Table = __m512;
inline Table makeTable(const float *values) { return _mm512_loadu_ps(values); }
inline void emitLookup(float *y, __m128i idx, const Table &t, float scale) {
  __m512 v = _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(idx), t);
  _mm512_storeu_ps(y, _mm512_mul_ps(v, _mm512_set1_ps(scale)));
}
inline void emitAffine(float *y, __m128i q, float d, float m) {
  __m512 vq = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q));
  _mm512_storeu_ps(y, _mm512_sub_ps(_mm512_mul_ps(_mm512_set1_ps(d), vq),
                                    _mm512_set1_ps(m)));
}

#include "FastDequantKernels.inc"

} // namespace avx512
#pragma clang attribute pop

const Kernels &avx2Kernels() {
  static const Kernels k{avx2::dequantQ4K, avx2::dequantNF4,
                         avx2::dequantMXFP4};
  return k;
}
const Kernels &avx512Kernels() {
  static const Kernels k{avx512::dequantQ4K, avx512::dequantNF4,
                         avx512::dequantMXFP4};
  return k;
}

} // namespace quant4::format::x86

#endif // QUANT4_FORMAT_HAVE_X86_KERNELS
