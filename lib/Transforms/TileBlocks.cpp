//===- TileBlocks.cpp - tile lowered quant4 ops on block boundaries -------===//

#include "Transforms/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4TILEBLOCKS
#include "dialect/Quant4Transforms.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {
struct TileBlocksPass
    : mlir::quant4::impl::Quant4TileBlocksBase<TileBlocksPass> {
  using Base::Base;

  /// Tile sizes for a tagged op, one per loop.
  SmallVector<int64_t> tileSizes(linalg::GenericOp op, StringRef kind) {
    unsigned numLoops = op.getNumLoops();
    if (kind == "matmul") {
      // Loops: batch..., M, N, K-blocks[, within-block]; the within-block
      // loop (when there is one) is never split.
      unsigned withinBlock = op.getIteratorTypesArray()[numLoops - 2] ==
                                     utils::IteratorType::reduction
                                 ? 1
                                 : 0;
      unsigned kb = numLoops - 1 - withinBlock;
      SmallVector<int64_t> sizes(numLoops, 1);
      sizes[kb - 2] = tileM;
      sizes[kb - 1] = tileN;
      sizes[kb] = tileKBlocks;
      if (withinBlock)
        sizes.back() = 0;
      return sizes;
    }
    // dequantize: one row (all outer indices) at a time, whole rows.
    SmallVector<int64_t> sizes(numLoops, 1);
    sizes.back() = 0;
    return sizes;
  }

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kLoweredAttrName))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : ops) {
      StringRef kind =
          op->getAttrOfType<StringAttr>(kLoweredAttrName).getValue();
      SmallVector<OpFoldResult> sizes =
          getAsIndexOpFoldResult(&getContext(), tileSizes(op, kind));
      scf::SCFTilingOptions options;
      options.setTileSizes(sizes);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op.emitError("failed to tile on block boundaries");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, tiled->replacements);
    }
  }
};
} // namespace
