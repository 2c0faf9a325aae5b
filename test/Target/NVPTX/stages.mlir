// Each stage of --quant4-nvptx-pipeline on a GEMV (M = 1) and a small GEMM
// (M = 4), Q4_K and NF4 (whose codebook global must end up in the kernel).
//
// RUN: q4-opt %s --quant4-nvptx-bufferize | FileCheck %s --check-prefix=BUF
// RUN: q4-opt %s --quant4-nvptx-bufferize --quant4-nvptx-map-to-gpu \
// RUN:   | FileCheck %s --check-prefix=GPU
// RUN: q4-opt %s --quant4-nvptx-bufferize --quant4-nvptx-map-to-gpu \
// RUN:   --quant4-nvptx-to-nvvm | FileCheck %s --check-prefix=NVVM
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_80 features=+ptx70 threads=64" \
// RUN:   | FileCheck %s --check-prefix=SM80

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>

// BUF-LABEL: func.func @gemv(
// BUF-SAME:      %[[X:.*]]: memref<1x512xf32>, %[[W:.*]]: memref<73728xi8>,
// BUF-SAME:      %[[Y:.*]]: memref<1x256xf32>) {
// The zero fill and the reduction share one parallel loop over N.
// BUF:         scf.parallel (%[[N:.*]]) =
// BUF-NOT:     scf.parallel
// BUF:           memref.store %{{.*}}, %[[Y]][%{{.*}}, %[[N]]]
// BUF:           scf.for
// BUF:             memref.load %[[W]]
// BUF:         return
// BUF-NOT:     memref.alloc

// GPU-LABEL: func.func @gemv(
// GPU:         gpu.launch_func @gemv_kernel::@gemv_kernel blocks in (%c2, %c1, %c1) threads in (%c128, %c1, %c1) args(%arg2 : memref<1x256xf32>, %arg0 : memref<1x512xf32>, %arg1 : memref<73728xi8>)
// GPU-NEXT:    return
// GPU:         gpu.module @gemv_kernel
// GPU:           gpu.func @gemv_kernel(
// GPU-SAME:        kernel
// GPU:             gpu.block_id x
// GPU:             gpu.thread_id x
// GPU-LABEL: func.func @gemm_nf4(
// NF4's accumulator fill stays a launch of its own (the reduction reads a
// global, which blocks loop fusion); both run in order on one stream.
// GPU-NOT:     memref.get_global
// GPU:         gpu.launch_func @gemm_nf4_kernel::@gemm_nf4_kernel blocks in (%c4, %c2, %c1) threads in (%c1, %c128, %c1) args(%arg2 : memref<4x256xf32>)
// GPU-NEXT:    gpu.launch_func @gemm_nf4_kernel_0::@gemm_nf4_kernel blocks in (%c4, %c2, %c1) threads in (%c1, %c128, %c1) args(%arg0 : memref<4x512xf32>, %arg2 : memref<4x256xf32>, %arg1 : memref<73728xi8>)
// GPU:         gpu.module @gemm_nf4_kernel_0
// GPU:           gpu.func @gemm_nf4_kernel(
// GPU:             memref.get_global @[[TABLE:.*]] : memref<16xf32>
// GPU:           memref.global "private" constant @[[TABLE]] : memref<16xf32>

// NVVM:        gpu.module @gemv_kernel [#nvvm.target<chip = "sm_90", features = "+ptx80">]
// NVVM:          llvm.func @gemv_kernel(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// NVVM-SAME:       nvvm.kernel
// NVVM:            nvvm.read.ptx.sreg.ctaid.x
// NVVM:            nvvm.read.ptx.sreg.tid.x
// NVVM-NOT:        scf.for

// PTX:         gpu.launch_func @gemv_kernel::@gemv_kernel
// PTX:         gpu.binary @gemv_kernel  [#gpu.object<#nvvm.target<chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "{{.*}}.version 8.0\0A.target sm_90\0A{{.*}}.visible .entry gemv_kernel(
// PTX:         gpu.binary @gemm_nf4_kernel
// PTX-NOT:     gpu.module

// SM80:        gpu.launch_func @gemv_kernel::@gemv_kernel blocks in (%c4, %c1, %c1) threads in (%c64, %c1, %c1)
// SM80:        gpu.binary @gemv_kernel  [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx70">, {{.*}}assembly = "{{.*}}.version 7.0\0A.target sm_80

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<73728xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @gemm_nf4(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !n -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}
