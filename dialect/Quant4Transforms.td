//===- Quant4Transforms.td - passes on lowered quant4 code -*- tablegen -*-===//

#ifndef QUANT4_TRANSFORMS
#define QUANT4_TRANSFORMS

include "mlir/Pass/PassBase.td"

def Quant4TileBlocks : Pass<"quant4-tile-blocks"> {
  let summary = "Tile the linalg ops from convert-quant4-to-linalg on block "
                "boundaries";
  let description = [{
    Tiles the `linalg.generic` ops that `convert-quant4-to-linalg` tagged
    with `quant4.lowered` into `scf.for` loops (`scf::tileUsingSCF`):
    matmuls over (batch: 1, M: `tile-m`, N: `tile-n`, K-blocks:
    `tile-k-blocks`, within-block: whole), so every K tile holds whole
    blocks and each block's scales are decoded for one tile only;
    dequantizes one row at a time. A tile size of 0 leaves that loop
    untiled. With `parallel`, the parallel dimensions form one `scf.forall`
    (later OpenMP threads) around `scf.for` loops over K blocks.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"4",
           "Rows of activations per tile">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"16",
           "Output columns (weight rows) per tile">,
    Option<"tileKBlocks", "tile-k-blocks", "int64_t", /*default=*/"1",
           "Whole blocks of K per tile">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Tile the parallel dimensions into one scf.forall (for threads) "
           "and the K blocks into scf.for loops inside it">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // QUANT4_TRANSFORMS
