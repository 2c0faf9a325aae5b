//===- FastDequantX86.h - x86 dequantization kernels (internal) -*- C++ -*-===//
//
// Internal to lib/Format: the per-ISA kernel tables FastDequant.cpp
// dispatches to. Only x86-64 builds with clang have them.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_FASTDEQUANTX86_H
#define QUANT4_FORMAT_FASTDEQUANTX86_H

#include "Format/Layout.h"

#include <cstdint>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__clang__)
#define QUANT4_FORMAT_HAVE_X86_KERNELS 1
#else
#define QUANT4_FORMAT_HAVE_X86_KERNELS 0
#endif

namespace quant4::format::x86 {

/// Vector dequantization loops of one instruction set. `nf4` handles whole
/// 32-value chunks only (see FastDequantKernels.inc).
struct Kernels {
  void (*q4k)(const uint8_t *blocks, int64_t n, float *y);
  void (*nf4)(const uint8_t *codes, const float *absmax, int64_t n,
              int64_t blockSize, float *y);
  void (*mxfp4)(const uint8_t *blocks, const uint8_t *scales, int64_t n,
                MXFP4Layout layout, float *y);
};

#if QUANT4_FORMAT_HAVE_X86_KERNELS
const Kernels &avx2Kernels();
const Kernels &avx512Kernels();
#endif

} // namespace quant4::format::x86

#endif // QUANT4_FORMAT_FASTDEQUANTX86_H
