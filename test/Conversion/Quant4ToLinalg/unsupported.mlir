// RUN: q4-opt %s --convert-quant4-to-linalg --split-input-file --verify-diagnostics

func.func @quantize(%x: tensor<1x32xf32>) -> !quant4.blocked<1x32, #quant4.mxfp4> {
  // expected-error @below {{quant4.quantize is only supported on constants (fold it with lib/Format)}}
  %w = quant4.quantize %x : tensor<1x32xf32> -> !quant4.blocked<1x32, #quant4.mxfp4>
  return %w : !quant4.blocked<1x32, #quant4.mxfp4>
}

// -----

func.func @weight() -> !quant4.blocked<1x256, #quant4.q4_k> {
  // expected-error @below {{quant4.weight must be imported first (run quant4-import-weights)}}
  %w = quant4.weight "w" from "model.gguf" : !quant4.blocked<1x256, #quant4.q4_k>
  return %w : !quant4.blocked<1x256, #quant4.q4_k>
}

// -----

// A dynamic blocked function argument whose layout has grouped planes (NF4
// double quant): its row count cannot be recovered from the storage size.
func.func @dynamic_grouped_layout(%w: !quant4.blocked<?x256, #quant4.nf4<double_quant = true>>) -> tensor<?x256xf32> {
  // expected-error @below {{failed to legalize operation 'quant4.dequantize'}}
  %y = quant4.dequantize %w : !quant4.blocked<?x256, #quant4.nf4<double_quant = true>> -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// -----

// Without int8-activations (the NVPTX pipeline's conversion), Q8_K
// activations are an error rather than silently f32.
func.func @q8k_activations(%x: tensor<1x256xf32>, %w: !quant4.blocked<2x256, #quant4.q4_k>) -> tensor<1x2xf32> {
  // expected-error @below {{quant4.matmul activations q8_k is implemented by the CPU pipeline (convert-quant4-to-linalg{int8-activations}) and the NVPTX GEMV kernel (static shapes, M <= gemv-max-rows), not here}}
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x256xf32>, !quant4.blocked<2x256, #quant4.q4_k> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
