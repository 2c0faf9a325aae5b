//===- QuantizeQ8K.h - x rounded to Q8_K in generated code ------*- C++ -*-===//
//
// Internal to lib/Conversion/Quant4ToLinalg: the activation rounding of the
// `activations q8_k` matmul (QuantizeQ8K.cpp), used by MatmulQ8.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_QUANTIZEQ8K_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_QUANTIZEQ8K_H

#include "mlir/IR/Builders.h"

namespace mlir::quant4::detail {

/// Values per Q8_K block, per sub-block, and sub-blocks per block.
constexpr int64_t kQ8KBlock = 256;
constexpr int64_t kQ8KSubBlock = 32;
constexpr int64_t kQ8KSubBlocks = kQ8KBlock / kQ8KSubBlock;

/// x rounded to Q8_K: per 256-value block one f32 scale d and 256 int8
/// codes, plus the sum of the codes of each 32-value sub-block.
struct Q8KActivations {
  Value scales;  // [M, KB] f32
  Value codes;   // [M, KB, 256] i8
  Value subSums; // [M, KB, 8] i32
};

/// quantize_row_q8_K_ref (lib/Format quantizeQ8K, bit-exact) on every block
/// of `xBlocks` ([M, KB, 256], any float type), as explicit loops over rows
/// and blocks with the 256 values of a block in eight vector<32xf32>: |x|'s
/// maximum and the first index that has it by vector reductions, the codes
/// and their sub-block sums per vector. Rows are an scf.forall with
/// `parallel`, an scf.for otherwise.
Q8KActivations buildQuantizeQ8K(OpBuilder &b, Location loc, Value xBlocks,
                                bool parallel);

} // namespace mlir::quant4::detail

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_QUANTIZEQ8K_H
