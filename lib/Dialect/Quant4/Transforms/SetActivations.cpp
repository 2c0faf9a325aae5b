//===- SetActivations.cpp - activation mode of open matmuls ---------------===//
//
// quant4-set-activations: `activations <mode>` on every quant4.matmul that
// has no mode yet and whose weights and accumulator allow it.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/Transforms/Passes.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4SETACTIVATIONS
#include "dialect/Quant4Passes.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Whether `op` may use `mode` (docs/Spec.md C19, C20).
static bool allows(MatmulOp op, ActivationMode mode) {
  if (mode != ActivationMode::q8_k)
    return true;
  return isa<Q4KAttr>(op.getWeights().getType().getFormat()) &&
         op.getAccumulatorType().isF32();
}

/// Whether `op`'s activations are static with at most `maxRows` rows (all
/// dimensions but the last); always true for maxRows <= 0.
static bool hasFewRows(MatmulOp op, int64_t maxRows) {
  if (maxRows <= 0)
    return true;
  auto type = cast<ShapedType>(op.getActivations().getType());
  if (!type.hasStaticShape())
    return false;
  int64_t rows = 1;
  for (int64_t size : type.getShape().drop_back())
    rows *= size;
  return rows <= maxRows;
}

struct SetActivationsPass
    : mlir::quant4::impl::Quant4SetActivationsBase<SetActivationsPass> {
  using Base::Base;
  bool fewRows(MatmulOp op) { return hasFewRows(op, maxRows); }
  void runOnOperation() override {
    std::optional<ActivationMode> parsed = symbolizeActivationMode(mode);
    if (!parsed) {
      getOperation()->emitError("quant4-set-activations: unknown mode '")
          << mode << "' (expected f32 or q8_k)";
      return signalPassFailure();
    }
    getOperation()->walk([&](MatmulOp op) {
      if (!op.getActivationMode() && allows(op, *parsed) && fewRows(op))
        op.setActivationMode(*parsed);
    });
  }
};

} // namespace
