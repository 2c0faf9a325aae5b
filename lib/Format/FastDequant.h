//===- FastDequant.h - CPU-dispatched dequantization ------------*- C++ -*-===//
//
// Vectorized dequantization of Q4_K, NF4 and MXFP4, chosen at run time from
// what the CPU supports (AVX-512, AVX2, else portable scalar code). Every
// path produces the same bits as the scalar code in Q4K.cpp, NF4.cpp and
// MXFP4.cpp: the vector code performs the same float operations (no FMA).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_FASTDEQUANT_H
#define QUANT4_FORMAT_FASTDEQUANT_H

#include "Format/Layout.h"
#include "Format/Status.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace quant4::format {

/// Instruction sets with a dequantization kernel.
enum class Isa { Scalar, AVX2, AVX512 };

std::string_view isaName(Isa isa);
/// Whether this CPU can run kernels for `isa` (Scalar always can).
bool isaSupported(Isa isa);
/// Every Isa this CPU supports, Scalar first.
std::vector<Isa> supportedIsas();
/// The Isa the fast* functions use: the widest supported one.
Isa bestIsa();

/// Dequantizers with an explicit instruction set (which must be supported);
/// arguments as in dequantizeQ4K, dequantizeNF4 and dequantizeMXFP4.
void dequantizeQ4KWith(Isa isa, const uint8_t *blocks, int64_t n, float *y);
Status dequantizeNF4With(Isa isa, const uint8_t *codes, const float *absmax,
                         int64_t n, int64_t blockSize, float *y);
void dequantizeMXFP4With(Isa isa, const uint8_t *blocks, const uint8_t *scales,
                         int64_t n, MXFP4Layout layout, float *y);

/// The same with bestIsa().
void fastDequantizeQ4K(const uint8_t *blocks, int64_t n, float *y);
Status fastDequantizeNF4(const uint8_t *codes, const float *absmax, int64_t n,
                         int64_t blockSize, float *y);
void fastDequantizeMXFP4(const uint8_t *blocks, const uint8_t *scales,
                         int64_t n, MXFP4Layout layout, float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_FASTDEQUANT_H
