// RUN: rm -rf %t && %python %S/Inputs/make_models.py %golden %t
// RUN: q4-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(quant4-import-weights{base-dir=%t})'

// Every way a weight can fail to import is an error at the op.

func.func @wrong_shape() -> !quant4.blocked<32x4096, #quant4.q4_k> {
  // expected-error @+1 {{tensor 'blk.0.ffn_down.weight' in 'model.gguf' is 64x4096 q4_k, but the op's type is '!quant4.blocked<32x4096, #quant4.q4_k>'}}
  %w = quant4.weight "blk.0.ffn_down.weight" from "model.gguf" : !quant4.blocked<32x4096, #quant4.q4_k>
  return %w : !quant4.blocked<32x4096, #quant4.q4_k>
}

// -----

func.func @wrong_format() -> !quant4.blocked<64x4096, #quant4.mxfp4> {
  // expected-error @+1 {{tensor 'blk.0.ffn_down.weight' in 'model.gguf' is 64x4096 q4_k, but the op's type is '!quant4.blocked<64x4096, #quant4.mxfp4>'}}
  %w = quant4.weight "blk.0.ffn_down.weight" from "model.gguf" : !quant4.blocked<64x4096, #quant4.mxfp4>
  return %w : !quant4.blocked<64x4096, #quant4.mxfp4>
}

// -----

func.func @wrong_layout() -> !quant4.blocked<64x4096, #quant4.mxfp4> {
  // expected-error @+1 {{tensor 'mlp.experts.down_proj' in 'model.safetensors' is 64x4096 mxfp4(layout=hf), but the op's type is '!quant4.blocked<64x4096, #quant4.mxfp4>'}}
  %w = quant4.weight "mlp.experts.down_proj" from "model.safetensors" : !quant4.blocked<64x4096, #quant4.mxfp4>
  return %w : !quant4.blocked<64x4096, #quant4.mxfp4>
}

// -----

func.func @wrong_nf4_block() -> !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>> {
  // expected-error @+1 {{tensor 'mlp.up_proj.weight' in 'model.safetensors' is 64x4096 nf4(block=64), but the op's type is '!quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>'}}
  %w = quant4.weight "mlp.up_proj.weight" from "model.safetensors" : !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>
  return %w : !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>
}

// -----

func.func @float_as_blocked() -> !quant4.blocked<1x4096, #quant4.q4_k> {
  // expected-error @+1 {{tensor 'output_norm.weight' in 'model.gguf' is 4096 f32, but the op's type is '!quant4.blocked<1x4096, #quant4.q4_k>'}}
  %w = quant4.weight "output_norm.weight" from "model.gguf" : !quant4.blocked<1x4096, #quant4.q4_k>
  return %w : !quant4.blocked<1x4096, #quant4.q4_k>
}

// -----

func.func @wrong_float_type() -> tensor<4096xf16> {
  // expected-error @+1 {{tensor 'norm.weight' in 'model.safetensors' is 4096 bf16, but the op's type is 'tensor<4096xf16>'}}
  %w = quant4.weight "norm.weight" from "model.safetensors" : tensor<4096xf16>
  return %w : tensor<4096xf16>
}

// -----

func.func @missing_tensor() -> tensor<4096xf32> {
  // expected-error-re @+1 {{cannot read tensor: {{.*}}model.gguf: no tensor named 'nope'}}
  %w = quant4.weight "nope" from "model.gguf" : tensor<4096xf32>
  return %w : tensor<4096xf32>
}

// -----

func.func @unsupported_type() -> tensor<256xf32> {
  // expected-error-re @+1 {{cannot read tensor: {{.*}}model.gguf: tensor 'blk.0.ffn_gate.weight' has ggml type q6_K, which quant4 does not support}}
  %w = quant4.weight "blk.0.ffn_gate.weight" from "model.gguf" : tensor<256xf32>
  return %w : tensor<256xf32>
}

// -----

func.func @missing_file() -> tensor<4096xf32> {
  // expected-error-re @+1 {{cannot open model file: {{.*}}absent.gguf{{.*}}}}
  %w = quant4.weight "x" from "absent.gguf" : tensor<4096xf32>
  return %w : tensor<4096xf32>
}

// -----

func.func @not_a_model() -> tensor<4096xf32> {
  // expected-error-re @+1 {{cannot open model file: {{.*}}bad.safetensors: not a GGUF file, and not a safetensors file: {{.*}}}}
  %w = quant4.weight "x" from "bad.safetensors" : tensor<4096xf32>
  return %w : tensor<4096xf32>
}
