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

  /// Tiles `op` with `sizes` into loops of `type`; returns the tiled op.
  FailureOr<Operation *> tile(IRRewriter &rewriter, Operation *op,
                              ArrayRef<int64_t> sizes,
                              scf::SCFTilingOptions::LoopType type) {
    if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
      return op;
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    options.setLoopType(type);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
    if (failed(tiled))
      return failure();
    rewriter.replaceOp(op, tiled->replacements);
    return tiled->tiledOps.back();
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
      SmallVector<int64_t> sizes = tileSizes(op, kind);
      // With `parallel`, parallel dimensions become one scf.forall and the
      // reduction dimensions scf.for loops inside it.
      SmallVector<int64_t> outer(sizes), inner(sizes.size(), 0);
      if (parallel) {
        for (auto [i, type] : llvm::enumerate(op.getIteratorTypesArray())) {
          if (type != utils::IteratorType::reduction)
            continue;
          inner[i] = sizes[i];
          outer[i] = 0;
        }
      }
      FailureOr<Operation *> tiled =
          tile(rewriter, op, outer,
               parallel ? scf::SCFTilingOptions::LoopType::ForallOp
                        : scf::SCFTilingOptions::LoopType::ForOp);
      if (succeeded(tiled))
        tiled = tile(rewriter, *tiled, inner,
                     scf::SCFTilingOptions::LoopType::ForOp);
      if (failed(tiled)) {
        op.emitError("failed to tile on block boundaries");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
