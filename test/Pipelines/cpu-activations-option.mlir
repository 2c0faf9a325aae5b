// --quant4-cpu-pipeline{activations=q8_k} gives a matmul written without a
// mode the Q8_K lowering (integer dot products, vpmaddwd on Zen 4); without
// the option it stays f32 (no integer dot instruction at all).
//
// RUN: q4-opt %s --quant4-cpu-pipeline=activations=q8_k | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=Q8K
// RUN: q4-opt %s --quant4-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=F32

// Q8K-LABEL: gemv:
// Q8K:         vpmaddwd
// F32-LABEL: gemv:
// F32-NOT:     vpdpbusd
// F32-NOT:     vpmaddubsw
// F32-NOT:     vpmaddwd
// F32:         -- End function

!w = !quant4.blocked<64x512, #quant4.q4_k>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
