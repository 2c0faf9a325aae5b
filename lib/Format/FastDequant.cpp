//===- FastDequant.cpp - CPU-dispatched dequantization --------------------===//

#include "Format/FastDequant.h"

#include "Format/FastDequantX86.h"
#include "Format/MXFP4.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"

namespace quant4::format {

namespace {

const x86::Kernels *kernelsFor(Isa isa) {
#if QUANT4_FORMAT_HAVE_X86_KERNELS
  if (isa == Isa::AVX2)
    return &x86::avx2Kernels();
  if (isa == Isa::AVX512)
    return &x86::avx512Kernels();
#endif
  (void)isa;
  return nullptr;
}

} // namespace

std::string_view isaName(Isa isa) {
  switch (isa) {
  case Isa::Scalar:
    return "scalar";
  case Isa::AVX2:
    return "avx2";
  case Isa::AVX512:
    return "avx512";
  }
  return "unknown";
}

bool isaSupported(Isa isa) {
  if (isa == Isa::Scalar)
    return true;
#if QUANT4_FORMAT_HAVE_X86_KERNELS
  __builtin_cpu_init();
  if (isa == Isa::AVX2)
    return __builtin_cpu_supports("avx2");
  if (isa == Isa::AVX512)
    return __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw");
#endif
  return false;
}

std::vector<Isa> supportedIsas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::Scalar, Isa::AVX2, Isa::AVX512})
    if (isaSupported(isa))
      isas.push_back(isa);
  return isas;
}

Isa bestIsa() {
  static const Isa best = supportedIsas().back();
  return best;
}

void dequantizeQ4KWith(Isa isa, const uint8_t *blocks, int64_t n, float *y) {
  if (const x86::Kernels *k = kernelsFor(isa))
    return k->q4k(blocks, n, y);
  dequantizeQ4K(blocks, n, y);
}

Status dequantizeNF4With(Isa isa, const uint8_t *codes, const float *absmax,
                         int64_t n, int64_t blockSize, float *y) {
  const x86::Kernels *k = kernelsFor(isa);
  if (!k || !isValidNF4BlockSize(blockSize))
    return dequantizeNF4(codes, absmax, n, blockSize, y);
  // Block sizes are multiples of 32, so whole 32-value chunks never straddle
  // two blocks; the short rest (at most 31 values) goes to the scalar code,
  // which starts on a byte boundary since the vector part is even.
  int64_t vectorPart = n / 32 * 32;
  k->nf4(codes, absmax, vectorPart, blockSize, y);
  if (vectorPart == n)
    return Status::success();
  int64_t restBlock = vectorPart / blockSize;
  // The rest lies in one block; dequantize it as a one-block tensor.
  return dequantizeNF4(codes + vectorPart / 2, absmax + restBlock,
                       n - vectorPart, blockSize, y + vectorPart);
}

void dequantizeMXFP4With(Isa isa, const uint8_t *blocks, const uint8_t *scales,
                         int64_t n, MXFP4Layout layout, float *y) {
  if (const x86::Kernels *k = kernelsFor(isa))
    return k->mxfp4(blocks, scales, n, layout, y);
  dequantizeMXFP4(blocks, scales, n, layout, y);
}

void fastDequantizeQ4K(const uint8_t *blocks, int64_t n, float *y) {
  dequantizeQ4KWith(bestIsa(), blocks, n, y);
}

Status fastDequantizeNF4(const uint8_t *codes, const float *absmax, int64_t n,
                         int64_t blockSize, float *y) {
  return dequantizeNF4With(bestIsa(), codes, absmax, n, blockSize, y);
}

void fastDequantizeMXFP4(const uint8_t *blocks, const uint8_t *scales,
                         int64_t n, MXFP4Layout layout, float *y) {
  dequantizeMXFP4With(bestIsa(), blocks, scales, n, layout, y);
}

} // namespace quant4::format
