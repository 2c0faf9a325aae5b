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

def Quant4SetActivations : Pass<"quant4-set-activations"> {
  let summary = "Choose the activation mode of the matmuls that leave it open";
  let description = [{
    Gives every `quant4.matmul` without an `activations` attribute the mode
    `mode`, where its weights and accumulator allow it (docs/Spec.md C19,
    C20: `q8_k` needs Q4_K weights and an f32 accumulator; other matmuls
    keep the default `f32`). Explicit modes are never changed. With
    `max-rows` > 0 only matmuls whose activations have a static shape with
    at most that many rows (the product of all dimensions but the last)
    change: the NVPTX pipeline implements `q8_k` in its GEMV kernel only.
    The CPU pipeline runs it first with
    `--quant4-cpu-pipeline{activations=q8_k}`, the NVPTX pipeline with
    `--quant4-nvptx-pipeline{activations=q8_k}` (max-rows = gemv-max-rows).

    ```mlir
    // Before (mode=q8_k)
    %y = quant4.matmul %x, %w : tensor<1x4096xf32>,
        !quant4.blocked<4096x4096, #quant4.q4_k> -> tensor<1x4096xf32>
    // After
    %y = quant4.matmul %x, %w activations q8_k : tensor<1x4096xf32>,
        !quant4.blocked<4096x4096, #quant4.q4_k> -> tensor<1x4096xf32>
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"q8_k\"",
           "Activation mode to set: f32 or q8_k">,
    Option<"maxRows", "max-rows", "int64_t", /*default=*/"0",
           "Only matmuls with static activations of at most this many rows "
           "(0 = all)">,
  ];
}

#endif // QUANT4_PASSES
