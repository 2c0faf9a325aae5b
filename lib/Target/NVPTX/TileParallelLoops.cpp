//===- TileParallelLoops.cpp - scf.parallel -> blocks x threads -----------===//

#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUTILEPARALLELLOOPS
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;

namespace {

/// Tile sizes that give `threads` threads per block from the innermost
/// dimension outwards (each at most its extent when static).
static SmallVector<int64_t> tileSizes(scf::ParallelOp op, int64_t threads) {
  SmallVector<int64_t> sizes(op.getNumLoops(), 1);
  int64_t remaining = threads;
  for (int64_t i = op.getNumLoops() - 1; i >= 0 && remaining > 1; --i) {
    std::optional<int64_t> lb = getConstantIntValue(op.getLowerBound()[i]);
    std::optional<int64_t> ub = getConstantIntValue(op.getUpperBound()[i]);
    std::optional<int64_t> step = getConstantIntValue(op.getStep()[i]);
    int64_t size = remaining;
    if (lb && ub && step && *step > 0)
      size = std::min(size, (*ub - *lb + *step - 1) / *step);
    sizes[i] = std::max<int64_t>(size, 1);
    remaining /= sizes[i];
  }
  return sizes;
}

/// Innermost dimension -> x, then y, z; the rest sequential.
static void mapInnermostFirst(scf::ParallelOp op, bool threads) {
  MLIRContext *ctx = op.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  unsigned n = op.getNumLoops();
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (unsigned i = 0; i < n; ++i) {
    unsigned fromInner = n - 1 - i;
    gpu::Processor processor = gpu::Processor::Sequential;
    if (fromInner < 3)
      processor = gpu::Processor((threads ? unsigned(gpu::Processor::ThreadX)
                                          : unsigned(gpu::Processor::BlockX)) +
                                 fromInner);
    mapping.push_back(
        gpu::ParallelLoopDimMappingAttr::get(ctx, processor, id, id));
  }
  (void)gpu::setMappingAttr(op, mapping);
}

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
      auto [outer, inner] = scf::tileParallelLoop(op, tileSizes(op, threads),
                                                  /*noMinMaxBounds=*/false);
      mapInnermostFirst(outer, /*threads=*/false);
      mapInnermostFirst(inner, /*threads=*/true);
    }
  }
};

} // namespace
