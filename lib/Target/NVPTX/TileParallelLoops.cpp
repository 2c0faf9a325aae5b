//===- TileParallelLoops.cpp - scf.parallel -> blocks x threads -----------===//

#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUTILEPARALLELLOOPS
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;

namespace {

struct TileParallelLoops
    : quant4::impl::Quant4GPUTileParallelLoopsBase<TileParallelLoops> {
  using Base::Base;

  void runOnOperation() override {
    if (threads < 1 || threads > 1024) {
      getOperation().emitError("threads must be in 1..1024, got ") << threads;
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>())
        outermost.push_back(op);
    });
    for (scf::ParallelOp op : outermost) {
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      sizes.back() = threads;
      scf::tileParallelLoop(op, sizes, /*noMinMaxBounds=*/false);
    }
  }
};

} // namespace
