// RUN: q4-opt %s -split-input-file -verify-diagnostics

// One verifier message per split; constraint numbers refer to docs/Spec.md.

func.func @quantize_shape(%x: tensor<64x512xf32>) {
  // expected-error @+1 {{float shape [64, 512] does not match blocked shape [64, 256] (C4)}}
  %q = quant4.quantize %x : tensor<64x512xf32> -> !quant4.blocked<64x256, #quant4.q4_k>
  return
}

// -----

func.func @dequantize_shape(%w: !quant4.blocked<?x256, #quant4.q4_k>) {
  // expected-error @+1 {{float shape [2, 512] does not match blocked shape [?, 256] (C4)}}
  %x = quant4.dequantize %w : !quant4.blocked<?x256, #quant4.q4_k> -> tensor<2x512xf32>
  return
}

// -----

func.func @quantize_rule_without_choice(%x: tensor<1x256xf32>) {
  // expected-error @+1 {{rule 'ocp' is not offered by format #quant4.q4_k (offers: no choice of rule) (C5)}}
  %q = quant4.quantize %x rule ocp : tensor<1x256xf32> -> !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @quantize_integer_input(%x: tensor<1x256xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %q = quant4.quantize %x : tensor<1x256xi32> -> !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @matmul_weights_rank(%x: tensor<1x256xf32>, %w: !quant4.blocked<2x4x256, #quant4.q4_k>) {
  // expected-error @+1 {{weights must have rank 2 ([N, K]), got rank 3 (C6)}}
  %y = quant4.matmul %x, %w : tensor<1x256xf32>, !quant4.blocked<2x4x256, #quant4.q4_k> -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_activations_rank(%x: tensor<256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{activations must have rank >= 2 ([..., M, K]), got rank 1 (C7)}}
  %y = quant4.matmul %x, %w : tensor<256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_result_rank(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{result rank 3 must equal activations rank 2 (C7)}}
  %y = quant4.matmul %x, %w : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x1x4xf32>
  return
}

// -----

func.func @matmul_k(%x: tensor<1x512xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{contraction dimension mismatch: activations have K = 512, weights have K = 256 (C8)}}
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_m(%x: tensor<3x2x256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{result shape [3, 5, 4] does not match activations shape [3, 2, 256] in dimension 1 (C9)}}
  %y = quant4.matmul %x, %w : tensor<3x2x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<3x5x4xf32>
  return
}

// -----

func.func @matmul_n(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{result N = 8 does not match weights N = 4 (C9)}}
  %y = quant4.matmul %x, %w : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_acc(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{accumulator type 'f16' is narrower than the result element type 'f32' (C10)}}
  %y = quant4.matmul %x, %w {acc_type = f16} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_q8k_nf4(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.nf4<block_size = 64>>) {
  // expected-error @+1 {{activations q8_k needs #quant4.q4_k weights, got #quant4.nf4 (C19)}}
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.nf4<block_size = 64>> -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_q8k_mxfp4(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.mxfp4>) {
  // expected-error @+1 {{activations q8_k needs #quant4.q4_k weights, got #quant4.mxfp4 (C19)}}
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.mxfp4> -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_q8k_acc(%x: tensor<1x256xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) {
  // expected-error @+1 {{activations q8_k accumulates in f32, got acc_type 'f64' (C20)}}
  %y = quant4.matmul %x, %w activations q8_k {acc_type = f64} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  return
}

// -----

func.func @from_bytes_dims(%b: tensor<?xi8>) {
  // expected-error @+1 {{expected 1 dynamic dimension operands for '!quant4.blocked<?x256, #quant4.q4_k>', got 0 (C11)}}
  %w = quant4.from_bytes %b : tensor<?xi8> -> !quant4.blocked<?x256, #quant4.q4_k>
  return
}

// -----

func.func @from_bytes_size(%b: tensor<100xui8>) {
  // expected-error @+1 {{byte tensor holds 100 bytes but '!quant4.blocked<1x256, #quant4.q4_k>' is stored in 144 bytes (C12)}}
  %w = quant4.from_bytes %b : tensor<100xui8> -> !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @from_bytes_element(%b: tensor<144xi16>) {
  // expected-error @+1 {{operand #0 must be 1D tensor of 8-bit signless integer or 8-bit unsigned integer values}}
  %w = quant4.from_bytes %b : tensor<144xi16> -> !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @to_bytes_dynamic(%w: !quant4.blocked<?x256, #quant4.q4_k>) {
  // expected-error @+1 {{result must be tensor<?x...> because '!quant4.blocked<?x256, #quant4.q4_k>' has dynamic dimensions (C13)}}
  %b = quant4.to_bytes %w : !quant4.blocked<?x256, #quant4.q4_k> -> tensor<144xi8>
  return
}

// -----

func.func @to_bytes_size(%w: !quant4.blocked<2x64, #quant4.mxfp4<layout = hf>>) {
  // expected-error @+1 {{result must hold 68 bytes for '!quant4.blocked<2x64, #quant4.mxfp4<layout = hf>>', got 'tensor<64xi8>' (C13)}}
  %b = quant4.to_bytes %w : !quant4.blocked<2x64, #quant4.mxfp4<layout = hf>> -> tensor<64xi8>
  return
}

// -----

func.func @constant_not_bytes() {
  // expected-error @+1 {{value must be a 1-D tensor of i8 or ui8 bytes, got 'tensor<36xi32>' (C14)}}
  %w = quant4.constant dense<0> : tensor<36xi32> : !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @constant_dynamic() {
  // expected-error @+1 {{result type '!quant4.blocked<?x256, #quant4.q4_k>' must have a static shape (C14)}}
  %w = quant4.constant dense<0> : tensor<144xi8> : !quant4.blocked<?x256, #quant4.q4_k>
  return
}

// -----

func.func @constant_size() {
  // expected-error @+1 {{value holds 144 bytes but '!quant4.blocked<2x256, #quant4.q4_k>' is stored in 288 bytes (C15)}}
  %w = quant4.constant dense<0> : tensor<144xi8> : !quant4.blocked<2x256, #quant4.q4_k>
  return
}

// -----

func.func @weight_name() {
  // expected-error @+1 {{tensor name must not be empty (C16)}}
  %w = quant4.weight "" from "m.gguf" : !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @weight_file() {
  // expected-error @+1 {{file 'weights.bin' must be a .gguf or .safetensors file (C17)}}
  %w = quant4.weight "w" from "weights.bin" : !quant4.blocked<1x256, #quant4.q4_k>
  return
}

// -----

func.func @weight_dynamic() {
  // expected-error @+1 {{result type 'tensor<?xf32>' must have a static shape (C18)}}
  %w = quant4.weight "norm" from "m.safetensors" : tensor<?xf32>
  return
}
