//===- Quant4Ops.td - quant4 operations --------------------*- tablegen -*-===//

#ifndef QUANT4_OPS
#define QUANT4_OPS

include "Quant4Types.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Quant4_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Quant4_ByteTensor : 1DTensorOf<[I8, UI8]>;

//===----------------------------------------------------------------------===//
// quantize / dequantize
//===----------------------------------------------------------------------===//

def Quant4_QuantizeOp : Quant4_Op<"quantize", [Pure]> {
  let summary = "Quantize a float tensor into a blocked format";
  let description = [{
    Rounds each block of `input` into the result's format, exactly as
    lib/Format (and thus ggml / bitsandbytes) does. Shapes must agree (C4).
    Formats that offer a choice take an optional `rule` (C5); MXFP4's default
    is `ocp`.

    ```mlir
    %q = quant4.quantize %x rule ggml
        : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.mxfp4>
    ```
  }];
  let arguments = (ins Quant4_FloatTensor:$input,
                       OptionalAttr<Quant4_QuantRule>:$rule);
  let results = (outs Quant4_BlockedTensorType:$result);
  let assemblyFormat = [{
    $input (`rule` $rule^)? attr-dict `:` type($input) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Quant4_DequantizeOp : Quant4_Op<"dequantize", [Pure]> {
  let summary = "Decode a blocked tensor into floats";
  let description = [{
    Decodes every value exactly as lib/Format's dequantizer (bit-exact in
    f32; f16/bf16 results are the f32 values rounded to nearest even).
    Shapes must agree (C4). `quantize(dequantize(x))` and
    `dequantize(quantize(x))` never fold: both are lossy.

    ```mlir
    %x = quant4.dequantize %w
        : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<64x4096xf32>
    ```
  }];
  let arguments = (ins Quant4_BlockedTensorType:$input);
  let results = (outs Quant4_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

def Quant4_MatmulOp : Quant4_Op<"matmul", [Pure]> {
  let summary = "Float activations times blocked weights, y = x * W^T";
  let description = [{
    ggml's `mul_mat` convention: activations `x : [..., M, K]`, weights
    `W : [N, K]` in a blocked format (blocks along K), result
    `y : [..., M, N]` with `y[..., m, n] = sum_k x[..., m, k] * W[n, k]`.
    Leading batch dimensions of `x` carry over to `y` (C6–C9). Products are
    accumulated in `acc_type` (default f32), which must be at least as wide
    as the result element type (C10).

    `activations` selects how the products are formed (default `f32`). With
    `q8_k` each 256-value block of each activation row is rounded to ggml's
    Q8_K (int8 values and one f32 scale) and the products are integer dot
    products with the weights' codes, as ggml's `vec_dot_q4_K_q8_K` does;
    it needs `#quant4.q4_k` weights (C19) and an f32 accumulator (C20).

    ```mlir
    %y = quant4.matmul %x, %w
        : tensor<8x4096xf32>, !quant4.blocked<11008x4096, #quant4.q4_k>
        -> tensor<8x11008xf32>
    %z = quant4.matmul %x, %w activations q8_k
        : tensor<8x4096xf32>, !quant4.blocked<11008x4096, #quant4.q4_k>
        -> tensor<8x11008xf32>
    ```
  }];
  let arguments = (ins Quant4_FloatTensor:$activations,
                       Quant4_BlockedTensorType:$weights,
                       OptionalAttr<TypeAttrOf<AnyFloat>>:$acc_type,
                       OptionalAttr<Quant4_ActivationMode>:$activation_mode);
  let results = (outs Quant4_FloatTensor:$result);
  let assemblyFormat = [{
    $activations `,` $weights (`activations` $activation_mode^)? attr-dict `:`
    type($activations) `,`
    qualified(type($weights)) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The accumulator element type (acc_type, or f32).
    ::mlir::FloatType getAccumulatorType();
    /// The activation mode (activation_mode, or f32).
    ::mlir::quant4::ActivationMode getActivationModeOrDefault() {
      return getActivationMode().value_or(::mlir::quant4::ActivationMode::f32);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Byte views: the ABI for weights passed at run time
//===----------------------------------------------------------------------===//

def Quant4_FromBytesOp : Quant4_Op<"from_bytes", [Pure]> {
  let summary = "View raw storage bytes as a blocked tensor";
  let description = [{
    Reinterprets a 1-D tensor of bytes (`i8` or `ui8`) holding the format's
    storage planes, in order, as a blocked tensor. This is the ABI for
    weights passed at run time. One `index` operand per dynamic dimension of
    the result (C11); when both sides are static the byte count must equal
    the type's storage size (C12). Folds with `to_bytes`.

    ```mlir
    %w = quant4.from_bytes %raw
        : tensor<147456xui8> -> !quant4.blocked<64x4096, #quant4.q4_k>
    %v = quant4.from_bytes %dyn [%rows]
        : tensor<?xi8> -> !quant4.blocked<?x4096, #quant4.q4_k>
    ```
  }];
  let arguments = (ins Quant4_ByteTensor:$bytes,
                       Variadic<Index>:$dynamic_dims);
  let results = (outs Quant4_BlockedTensorType:$result);
  let assemblyFormat = [{
    $bytes (`[` $dynamic_dims^ `]`)? attr-dict `:` type($bytes) `->`
    qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Quant4_ToBytesOp : Quant4_Op<"to_bytes", [Pure]> {
  let summary = "View a blocked tensor as its raw storage bytes";
  let description = [{
    The inverse of `from_bytes`: the storage planes of `input` as a 1-D byte
    tensor, static with exactly the storage size when the input shape is
    static, dynamic otherwise (C13). Folds with `from_bytes` and with
    `quant4.constant` (giving an `arith.constant` of the same bytes).

    ```mlir
    %raw = quant4.to_bytes %w
        : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<147456xui8>
    ```
  }];
  let arguments = (ins Quant4_BlockedTensorType:$input);
  let results = (outs Quant4_ByteTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Weights in the IR and in model files
//===----------------------------------------------------------------------===//

def Quant4_ConstantOp : Quant4_Op<"constant", [ConstantLike, Pure]> {
  let summary = "Quantized data held in the IR";
  let description = [{
    A blocked tensor whose storage bytes are `value`: normally a
    `dense_resource` blob, so large weights stay out of the IR text, or a
    small `dense` byte array. `value` is a 1-D `i8`/`ui8` tensor holding
    exactly the type's storage bytes (C14, C15); the type must be static.

    ```mlir
    %w = quant4.constant dense_resource<w0> : tensor<144xui8>
        : !quant4.blocked<1x256, #quant4.q4_k>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Quant4_BlockedTensorType:$result);
  let assemblyFormat = "$value attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Quant4_WeightOp : Quant4_Op<"weight", [Pure]> {
  let summary = "A tensor named in an external GGUF or safetensors file";
  let description = [{
    Refers to tensor `name` of the model file `file` (`.gguf` or
    `.safetensors`; a relative path is resolved against the directory given
    to `quant4-import-weights` / `q4-compile`). The result is a blocked
    tensor in the file's format, or a float tensor for unquantized tensors
    (norms, embeddings). The file is read at compile time or at load time,
    never by the op's lowering itself (C16–C18).

    ```mlir
    %wq = quant4.weight "blk.0.attn_q.weight" from "model.gguf"
        : !quant4.blocked<4096x4096, #quant4.q4_k>
    %n = quant4.weight "blk.0.attn_norm.weight" from "model.gguf"
        : tensor<4096xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$file);
  let results = (outs AnyTypeOf<[Quant4_BlockedTensorType,
                                 Quant4_FloatTensor]>:$result);
  let assemblyFormat = "$name `from` $file attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // QUANT4_OPS
