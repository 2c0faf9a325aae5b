//===- OmpNowait.cpp - no closing barrier for a region's last wsloop ------===//
//
// quant4-omp-nowait: an omp.wsloop that is the last operation of its
// omp.parallel region needs no barrier of its own; the region's join follows
// (see the pass description in Quant4Transforms.td).
//
//===----------------------------------------------------------------------===//

#include "Transforms/Passes.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4OMPNOWAIT
#include "dialect/Quant4Transforms.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Whether `loop`'s closing barrier is redundant: it sits directly in an
/// omp.parallel region, right before the region's terminator, and has no
/// clause that needs the barrier (reductions, ordered).
bool endsParallelRegion(omp::WsloopOp loop) {
  if (!isa_and_nonnull<omp::ParallelOp>(loop->getParentOp()))
    return false;
  Operation *next = loop->getNextNode();
  if (!next || !isa<omp::TerminatorOp>(next))
    return false;
  return loop.getReductionVars().empty() && !loop.getOrdered();
}

struct OmpNowaitPass : mlir::quant4::impl::Quant4OmpNowaitBase<OmpNowaitPass> {
  void runOnOperation() override {
    getOperation()->walk([](omp::WsloopOp loop) {
      if (endsParallelRegion(loop))
        loop.setNowait(true);
    });
  }
};

} // namespace
