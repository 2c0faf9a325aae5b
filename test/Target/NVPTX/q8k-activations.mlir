// The NVPTX pipeline does not implement `activations q8_k`: neither the GEMV
// kernel nor the split-K path takes such a matmul; the conversion to linalg
// reports it instead of computing f32 products silently.
//
// RUN: not q4-opt %s --quant4-nvptx-pipeline 2>&1 | FileCheck %s
// RUN: not q4-opt %s --quant4-nvptx-pipeline=gemv-max-rows=0 2>&1 | FileCheck %s

// CHECK: error: quant4.matmul activations q8_k is implemented by the CPU pipeline only (convert-quant4-to-linalg{int8-activations})

!w = !quant4.blocked<64x512, #quant4.q4_k>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
