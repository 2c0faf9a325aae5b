//===- Codec.h - Generic quantize / dequantize entry points -----*- C++ -*-===//
//
// The one entry point the compiler, the runtime and Python use: a FormatSpec
// names a format instance, and quantize / dequantize produce / consume its
// PLANAR storage exactly as Layout.h describes it (the planes of
// layoutOf(spec), concatenated in order). `n` must be a whole number of
// blocks; format-specific APIs (NF4.h, MXFP4.h, ...) cover what this cannot
// express (NF4 tails and odd lengths, separate output buffers).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_CODEC_H
#define QUANT4_FORMAT_CODEC_H

#include "Format/Layout.h"
#include "Format/MXFP4.h"
#include "Format/Status.h"

#include <cstdint>
#include <string>

namespace quant4::format {

/// One instance of a blocked format.
struct FormatSpec {
  FormatKind kind = FormatKind::Q4_K;
  /// NF4 only: values per block (isValidNF4BlockSize) and whether absmax is
  /// double-quantized.
  int64_t nf4BlockSize = 64;
  bool nf4DoubleQuant = false;
  /// MXFP4 only: element order and, for quantize, the rounding rule.
  MXFP4Layout mxfp4Layout = MXFP4Layout::GGML;
  MXFP4Rule mxfp4Rule = MXFP4Rule::OCP;

  static FormatSpec q4k() { return {FormatKind::Q4_K}; }
  static FormatSpec nf4(int64_t blockSize = 64, bool doubleQuant = false);
  static FormatSpec mxfp4(MXFP4Layout layout = MXFP4Layout::GGML,
                          MXFP4Rule rule = MXFP4Rule::OCP);
};

/// A short name such as "q4_k", "nf4(block=64, double_quant)".
std::string describe(const FormatSpec &spec);
/// Checks the spec's parameters (e.g. the NF4 block size).
Status validate(const FormatSpec &spec);
/// The storage layout of the spec (see Layout.h).
BlockLayout layoutOf(const FormatSpec &spec);
/// Storage bytes of `n` values, or an error when `n` is not a whole number of
/// blocks (or the spec is invalid).
Status storageBytes(const FormatSpec &spec, int64_t n, int64_t &bytes);

/// Quantizes `n` values into storageBytes(spec, n) bytes at `storage`.
Status quantize(const FormatSpec &spec, const float *x, int64_t n,
                uint8_t *storage);
/// Dequantizes storageBytes(spec, n) bytes at `storage` into `n` floats. Uses
/// the fastest code path the CPU supports (bit-identical to the scalar one).
Status dequantize(const FormatSpec &spec, const uint8_t *storage, int64_t n,
                  float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_CODEC_H
