//===- Quant4Passes.td - quant4 dialect passes -------------*- tablegen -*-===//

#ifndef QUANT4_PASSES
#define QUANT4_PASSES

include "mlir/Pass/PassBase.td"

def Quant4ImportWeights : Pass<"quant4-import-weights", "::mlir::ModuleOp"> {
  let summary = "Replace quant4.weight ops by constants read from model files";
  let description = [{
    Reads every tensor named by a `quant4.weight` op from its GGUF or
    safetensors file (through lib/Format) and replaces the op by a
    `quant4.constant` holding the bytes as a `dense_resource` blob (or an
    `arith.constant` for float tensors). The file's tensor type and shape must
    match the op's result type exactly; any mismatch, missing file or missing
    tensor is an error located at the op.

    ```mlir
    // Before
    %w = quant4.weight "w" from "model.gguf" : !quant4.blocked<64x256, #quant4.q4_k>
    // After
    %w = quant4.constant dense_resource<w> : tensor<9216xui8>
        : !quant4.blocked<64x256, #quant4.q4_k>
    ```
  }];
  let options = [
    Option<"baseDir", "base-dir", "std::string", /*default=*/"\"\"",
           "Directory that relative file paths are resolved against "
           "(default: the current directory)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // QUANT4_PASSES
