//===- Quant4ToLinalgPass.cpp - convert-quant4-to-linalg ------------------===//

#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_CONVERTQUANT4TOLINALG
#include "dialect/Quant4Conversion.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {
struct ConvertQuant4ToLinalgPass
    : mlir::quant4::impl::ConvertQuant4ToLinalgBase<ConvertQuant4ToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    // Ops with no lowering get a diagnostic that says what to do instead.
    bool unsupported = false;
    getOperation()->walk([&](Operation *op) {
      auto quantize = dyn_cast<QuantizeOp>(op);
      if (quantize && !isConstantQuantize(quantize)) {
        op->emitError("quant4.quantize is only supported on constants (fold "
                      "it with lib/Format)");
        unsupported = true;
      } else if (auto matmul = dyn_cast<MatmulOp>(op);
                 matmul && !int8Activations &&
                 matmul.getActivationModeOrDefault() != ActivationMode::f32) {
        op->emitError("quant4.matmul activations ")
            << stringifyActivationMode(matmul.getActivationModeOrDefault())
            << " is implemented by the CPU pipeline "
               "(convert-quant4-to-linalg{int8-activations}) and the NVPTX "
               "GEMV kernel (static shapes, M <= gemv-max-rows), not here";
        unsupported = true;
      } else if (isa<WeightOp>(op)) {
        op->emitError("quant4.weight must be imported first "
                      "(run quant4-import-weights)");
        unsupported = true;
      }
    });
    if (unsupported)
      return signalPassFailure();

    Quant4StorageTypeConverter typeConverter;
    ConversionTarget target(getContext());
    configureQuant4ToLinalgConversionTarget(target, typeConverter);
    RewritePatternSet patterns(&getContext());
    Quant4ToLinalgOptions options;
    options.tileM = tileM;
    options.tileN = tileN;
    options.parallel = parallel;
    options.blockSumLoops = blockSumLoops;
    options.vectorize = vectorize;
    populateQuant4ToLinalgConversionPatterns(typeConverter, patterns, options);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
