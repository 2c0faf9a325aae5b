//===- SinkConstants.cpp - constants and globals into gpu.launch ----------===//

#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUSINKCONSTANTS
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;

namespace {

struct SinkConstants : quant4::impl::Quant4GPUSinkConstantsBase<SinkConstants> {
  void runOnOperation() override {
    auto sinkable = [](Operation *op) {
      return isa<arith::ConstantOp, memref::GetGlobalOp>(op);
    };
    WalkResult result = getOperation().walk([&](gpu::LaunchOp launch) {
      if (failed(sinkOperationsIntoLaunchOp(launch, sinkable)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
