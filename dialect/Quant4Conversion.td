//===- Quant4Conversion.td - quant4 conversion passes ------*- tablegen -*-===//

#ifndef QUANT4_CONVERSION
#define QUANT4_CONVERSION

include "mlir/Pass/PassBase.td"

def ConvertQuant4ToLinalg
    : Pass<"convert-quant4-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower quant4 ops to linalg/tensor/arith on storage bytes";
  let description = [{
    Blocked tensors become their raw storage (`tensor<Bxi8>`, 1-D, the
    format's planes in order); `from_bytes` / `to_bytes` become casts,
    `constant` an `arith.constant` of its bytes, `dequantize` an elementwise
    `linalg.generic` and `matmul` a `linalg.generic` reduction over
    (K / blockSize, blockSize) whose body decodes each weight value through
    `BlockFormatAttrInterface::buildDecode`, so no dequantized weight tensor
    exists. Function signatures, calls and returns are converted. Afterwards
    no quant4 op or type is left; `quantize` and `weight` are errors (fold
    the first with lib/Format, import the second with
    `quant4-import-weights`).

    ```mlir
    // Before
    %y = quant4.matmul %x, %w : tensor<1x256xf32>,
        !quant4.blocked<8x256, #quant4.q4_k> -> tensor<1x8xf32>
    // After (schematically)
    %y = linalg.generic {iterator_types = ["parallel", "parallel",
        "reduction", "reduction"]} ins(%xb : tensor<1x1x256xf32>)
        outs(%acc : tensor<1x8xf32>) { ... tensor.extract %w[...] ... }
    ```
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"4",
           "With `vectorize`: rows of x that share each decoded weight "
           "vector (one vector accumulator per row)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"16",
           "With `vectorize`: output columns per tile (a thread's unit of "
           "work)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "With `vectorize`: column tiles as one scf.forall (threads)">,
    Option<"blockSumLoops", "block-sum-loops", "bool", /*default=*/"false",
           "Lower matmul to one iteration per block that sums the block's "
           "products in an scf.for (instead of one iteration per product)">,
    Option<"vectorize", "vectorize", "bool", /*default=*/"false",
           "Lower matmul to register-blocked scf loops (MatmulKernel.h): "
           "weights decoded through the format's buildBlockAffine / "
           "buildVectorCodes, one vector accumulator per (row, column) over "
           "all of K, factored per-group sums for rows outside a tile-m group">,
    Option<"int8Activations", "int8-activations", "bool", /*default=*/"false",
           "Lower matmuls with `activations q8_k` (x rounded to Q8_K, "
           "integer dot products: CPU code); without it they are errors">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // QUANT4_CONVERSION
