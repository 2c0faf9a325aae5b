// --quant4-nvptx-pipeline{activations=q8_k} sets the mode on the matmuls
// that leave it open and that the GEMV kernel takes (M <= gemv-max-rows):
// @open gets the Q8_K rounding launch before its dp4a GEMV; @big (M = 17,
// the tensor-core kernel) keeps f32 activations instead of failing.
//
// RUN: q4-opt %s --quant4-nvptx-pipeline=activations=q8_k | FileCheck %s
// RUN: q4-opt %s --quant4-nvptx-pipeline=activations=q8_k \
// RUN:   | FileCheck %s --check-prefix=BIN
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=F32

!w = !quant4.blocked<64x512, #quant4.q4_k>

// CHECK-LABEL: func.func @open(
// CHECK:         gpu.launch_func @open_kernel::@open_kernel
// CHECK-NEXT:    gpu.launch_func @open_kernel_0::@open_kernel
// CHECK-LABEL: func.func @big(
// CHECK:         gpu.launch_func
// BIN:       gpu.binary @open_kernel_0
// BIN-SAME:    dp4a.u32.s32
// F32-LABEL: func.func @open(
// F32:         gpu.launch_func @open_kernel::@open_kernel
// F32-NEXT:    return
// F32-NOT:     dp4a
func.func @open(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @big(%x: tensor<17x512xf32>, %raw: tensor<18432xi8>) -> tensor<17x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w : tensor<17x512xf32>, !w -> tensor<17x64xf32>
  return %y : tensor<17x64xf32>
}
