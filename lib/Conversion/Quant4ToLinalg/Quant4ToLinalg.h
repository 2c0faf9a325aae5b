//===- Quant4ToLinalg.h - quant4 to linalg/tensor/arith ---------*- C++ -*-===//
//
// Lowers quant4 ops on blocked tensors to ops on their raw storage bytes:
// blocked tensors become 1-D `tensor<Bxi8>`, dequantize becomes an elementwise
// linalg.generic and matmul a reduction whose body decodes each weight through
// BlockFormatAttrInterface::buildDecode (no dequantized weight buffer).
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_QUANT4TOLINALG_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_QUANT4TOLINALG_H

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

#include <memory>

namespace mlir::quant4 {

/// Maps `!quant4.blocked<...>` to its storage type `tensor<Bxi8>` (`?` for a
/// dynamic shape); every other type to itself.
class Quant4StorageTypeConverter : public TypeConverter {
public:
  Quant4StorageTypeConverter();
};

/// Patterns for from_bytes, to_bytes, constant, dequantize, matmul and
/// quantize of a constant (folded with lib/Format's codec); other quantize
/// ops and weight have no lowering (see the pass).
/// Whether `op` quantizes a dense constant (which the patterns fold).
bool isConstantQuantize(QuantizeOp op);

/// How matmul is lowered.
struct Quant4ToLinalgOptions {
  /// With vectorize: rows sharing each decoded weight vector, columns per
  /// tile, and column tiles as an scf.forall (MatmulKernel.h).
  int64_t tileM = 4;
  int64_t tileN = 16;
  bool parallel = false;
  /// false: one linalg.generic iteration per product, reductions over
  /// (K / blockSize, blockSize), products added to the accumulator in K order.
  /// true: one iteration per block, whose products are summed in an scf.for
  /// and then added to the accumulator (the CPU pipeline's choice: per-block
  /// decode work becomes loop-invariant).
  bool blockSumLoops = false;
  /// Explicit register-blocked loops instead of a linalg.generic
  /// (MatmulKernel.h): vector accumulators over all of K, not K order, so
  /// not bit-identical to the scalar sums.
  bool vectorize = false;
};

void populateQuant4ToLinalgConversionPatterns(
    TypeConverter &typeConverter, RewritePatternSet &patterns,
    const Quant4ToLinalgOptions &options = {});

/// Marks the quant4 dialect illegal and func/call/return, and every other op,
/// legal once their types are converted.
void configureQuant4ToLinalgConversionTarget(ConversionTarget &target,
                                             TypeConverter &typeConverter);

#define GEN_PASS_DECL_CONVERTQUANT4TOLINALG
#include "dialect/Quant4Conversion.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Quant4Conversion.h.inc"

} // namespace mlir::quant4

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_QUANT4TOLINALG_H
