// Each stage of --quant4-nvptx-pipeline's split-K path (gemv-max-rows=0
// mma-gemv-max-rows=0; the GEMV kernels have their own tests, gemv.mlir and
// mma-gemv.mlir) on a GEMV (M = 1) and a small
// GEMM (M = 4), Q4_K and NF4 (whose codebook global must end up in the
// kernel).
//
// RUN: q4-opt %s --quant4-nvptx-bufferize="gemv-max-rows=0 mma-gemv-max-rows=0" \
// RUN:   | FileCheck %s --check-prefix=BUF
// RUN: q4-opt %s --quant4-nvptx-bufferize="gemv-max-rows=0 mma-gemv-max-rows=0" \
// RUN:   --quant4-nvptx-map-to-gpu | FileCheck %s --check-prefix=GPU
// RUN: q4-opt %s --quant4-nvptx-bufferize="gemv-max-rows=0 mma-gemv-max-rows=0" \
// RUN:   --quant4-nvptx-map-to-gpu --quant4-nvptx-to-nvvm \
// RUN:   | FileCheck %s --check-prefix=NVVM
// RUN: q4-opt %s --quant4-nvptx-pipeline=gemv-max-rows=0 \
// RUN:   | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_80 features=+ptx70 threads=64 lanes=1 gemv-max-rows=0" \
// RUN:   | FileCheck %s --check-prefix=SM80

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>

// GEMV: K split over a warp's 32 lanes (value = group * 32 + lane), partial
// sums [1, 256, 32] in a scratch buffer, then a sum into the output; each
// zero fill shares the parallel loop that follows it.
// BUF-LABEL: func.func @gemv(
// BUF-SAME:      %[[X:.*]]: memref<1x512xf32>, %[[W:.*]]: memref<73728xi8>,
// BUF-SAME:      %[[Y:.*]]: memref<1x256xf32>) {
// BUF:         %[[P:.*]] = memref.alloc() {{.*}} : memref<1x256x32xf32>
// BUF:         scf.parallel (%[[N:.*]], %[[L:.*]]) = (%c0, %c0) to (%c256, %c32)
// BUF:           memref.store %{{.*}}, %[[P]][%c0, %[[N]], %[[L]]]
// BUF:           scf.for %[[KB:.*]] = %c0 to %c2
// BUF:             scf.for %[[G:.*]] = %c0 to %c8
// BUF:               memref.load %[[W]]
// BUF:               memref.store %{{.*}}, %[[P]][%c0, %[[N]], %[[L]]]
// BUF:         scf.parallel (%[[N2:.*]]) = (%c0) to (%c256)
// BUF:           memref.store %{{.*}}, %[[Y]][%c0, %[[N2]]]
// BUF:           scf.for %{{.*}} = %c0 to %c32
// BUF:             memref.load %[[P]]
// BUF:         return
// At M = 4, 32 / 4 = 8 lanes per output.
// BUF-LABEL: func.func @gemm_nf4(
// BUF:         memref.alloc() {{.*}} : memref<4x256x8xf32>

// GPU-LABEL: func.func @gemv(
// GPU:         %[[P:.*]] = memref.alloc() {{.*}} : memref<1x256x32xf32>
// Lanes on x (a warp per output column), 4 columns per block on y.
// GPU:         gpu.launch_func @gemv_kernel::@gemv_kernel blocks in (%c1, %c64, %c1) threads in (%c32, %c4, %c1) args(%[[P]] : memref<1x256x32xf32>, %arg0 : memref<1x512xf32>, %arg1 : memref<73728xi8>)
// GPU-NEXT:    gpu.launch_func @gemv_kernel_0::@gemv_kernel blocks in (%c2, %c1, %c1) threads in (%c128, %c1, %c1) args(%arg2 : memref<1x256xf32>, %[[P]] : memref<1x256x32xf32>)
// GPU-NEXT:    return
// GPU:         gpu.module @gemv_kernel
// GPU:           gpu.func @gemv_kernel(
// GPU-SAME:        kernel
// GPU:             gpu.block_id y
// GPU:             gpu.thread_id x
// GPU:             gpu.thread_id y
// GPU-LABEL: func.func @gemm_nf4(
// NF4's partial-sum fill stays a launch of its own (the reduction reads a
// global, which blocks loop fusion); all run in order on one stream.
// GPU-NOT:     memref.get_global
// GPU:         gpu.launch_func @gemm_nf4_kernel::@gemm_nf4_kernel blocks in (%c1, %c16, %c4) threads in (%c8, %c16, %c1)
// GPU-NEXT:    gpu.launch_func @gemm_nf4_kernel_1::@gemm_nf4_kernel blocks in (%c1, %c16, %c4) threads in (%c8, %c16, %c1)
// GPU-NEXT:    gpu.launch_func @gemm_nf4_kernel_2::@gemm_nf4_kernel blocks in (%c2, %c4, %c1) threads in (%c128, %c1, %c1)
// GPU:         gpu.module @gemm_nf4_kernel_1
// GPU:           gpu.func @gemm_nf4_kernel(
// GPU:             memref.get_global @[[TABLE:.*]] : memref<16xf32>
// GPU:           memref.global "private" constant @[[TABLE]] : memref<16xf32>

// Kernel memrefs become 16-byte aligned noalias pointers, readonly where
// only loaded.
// NVVM:        gpu.module @gemv_kernel [#nvvm.target<chip = "sm_90", features = "+ptx80">]
// NVVM:          llvm.func @gemv_kernel(%{{.*}}: !llvm.ptr {llvm.align = 16 : i64, llvm.noalias}, %{{.*}}: !llvm.ptr {llvm.align = 16 : i64, llvm.noalias, llvm.readonly}, %{{.*}}: !llvm.ptr {llvm.align = 16 : i64, llvm.noalias, llvm.readonly})
// NVVM-SAME:       nvvm.kernel
// NVVM:            nvvm.read.ptx.sreg.ctaid.y
// NVVM:            nvvm.read.ptx.sreg.tid.x
// NVVM-NOT:        scf.for

// PTX:         gpu.launch_func @gemv_kernel::@gemv_kernel
// PTX:         gpu.binary @gemv_kernel  [#gpu.object<#nvvm.target<chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "{{.*}}.version 8.0\0A.target sm_90\0A{{.*}}.visible .entry gemv_kernel(
// The accumulator lives in a register: one store per thread, after the loop.
// PTX-SAME:    ld.global.nc.b8
// PTX:         gpu.binary @gemm_nf4_kernel
// PTX-NOT:     gpu.module

// One thread per output (no split) when lanes = 1.
// SM80:        gpu.launch_func @gemv_kernel::@gemv_kernel blocks in (%c4, %c1, %c1) threads in (%c64, %c1, %c1) args(%arg2 : memref<1x256xf32>, %arg0 : memref<1x512xf32>, %arg1 : memref<73728xi8>)
// SM80-NEXT:   return
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
