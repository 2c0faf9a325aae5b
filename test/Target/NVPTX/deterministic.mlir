// The same input gives the same PTX, byte for byte, from run to run (the
// benchmark kernels in bench/gpu/kernels are regenerated and compared).
// NF4 with double-quantized absmax moves two constant tables (the codebook
// and the nested absmax map) to workgroup memory in the CUDA-core GEMV;
// their order once followed pointer hashing.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: q4-nvptx %s -o %t/a
// RUN: q4-nvptx %s -o %t/b
// RUN: q4-nvptx %s -o %t/c
// RUN: diff %t/a.gemv_kernel.ptx %t/b.gemv_kernel.ptx
// RUN: diff %t/a.gemv_kernel.ptx %t/c.gemv_kernel.ptx
// RUN: FileCheck %s --input-file=%t/a.gemv_kernel.ptx
// CHECK-COUNT-2: .shared .align 16 .b8 __wg_gemv_kernel_{{[0-9]}}

!d = !quant4.blocked<256x512, #quant4.nf4<double_quant = true>>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<67620xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<67620xi8> -> !d
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !d -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}
