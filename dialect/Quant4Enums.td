//===- Quant4Enums.td - quant4 enumerations ----------------*- tablegen -*-===//

#ifndef QUANT4_ENUMS
#define QUANT4_ENUMS

include "Quant4Dialect.td"
include "mlir/IR/EnumAttr.td"

def Quant4_MXFP4Layout : I32EnumAttr<"MXFP4Layout",
    "Element and scale layout of MXFP4 storage", [
      I32EnumAttrCase<"ggml", 0>,
      I32EnumAttrCase<"hf", 1>
    ]> {
  let cppNamespace = "::mlir::quant4";
  let genSpecializedAttr = 0;
  let description = [{
    - `ggml`: ggml's `block_mxfp4 { u8 e; u8 qs[16]; }` (17 bytes); element
      `j` is the low nibble of `qs[j]`, element `j + 16` the high nibble.
    - `hf`: the gpt-oss / Hugging Face layout: a plane of `[G, 16]` bytes
      (element `2i` low nibble, `2i + 1` high nibble of byte `i`) followed by
      a plane of `G` E8M0 scale bytes.
  }];
}

def Quant4_QuantRule : I32EnumAttr<"QuantRule",
    "How float values are rounded into a format that offers a choice", [
      I32EnumAttrCase<"ggml", 0>,
      I32EnumAttrCase<"ocp", 1>,
      I32EnumAttrCase<"optimal", 2>
    ]> {
  let cppNamespace = "::mlir::quant4";
  let description = [{
    - `ggml`: ggml's reference quantizer (for MXFP4: `quantize_row_mxfp4_ref`,
      ties toward zero).
    - `ocp`: the OCP Microscaling v1.0 conversion, round to nearest even.
    - `optimal`: per block, the scale `s0` or `2 * s0` with the smaller
      squared error.
  }];
}

def Quant4_ActivationMode : I32EnumAttr<"ActivationMode",
    "How quant4.matmul multiplies the activations with the weights", [
      I32EnumAttrCase<"f32", 0>,
      I32EnumAttrCase<"q8_k", 1>
    ]> {
  let cppNamespace = "::mlir::quant4";
  let description = [{
    - `f32` (the default): each weight is decoded to f32 and multiplied with
      the activation converted to f32.
    - `q8_k`: like ggml's CPU backend, each 256-value block of activations is
      first rounded to ggml's `block_q8_K` (an f32 scale and 256 int8 values,
      bit-exact with lib/Format's `quantizeQ8K`); the weights' integer codes
      are multiplied with the int8 values in int32, and the block's float
      scales are applied once per block (docs/CPU.md, "Q8_K activations").
  }];
}

#endif // QUANT4_ENUMS
