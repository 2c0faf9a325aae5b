// q4-nvptx writes one PTX file per kernel module and a manifest that maps
// each kernel operand to an argument of the host function (lib/Runtime's
// KernelBundle reads it). The kernel ABI: bare device pointers, the output
// last among the host arguments (activations, storage bytes, output).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: q4-nvptx %s -o %t/k
// RUN: FileCheck %s --input-file=%t/k.manifest
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t/k.gemv_kernel.ptx
// RUN: q4-nvptx %s -o %t/p --mma-min-rows=0
// RUN: FileCheck %s --check-prefix=SPLITK --input-file=%t/p.manifest
// RUN: q4-nvptx %s -o %t/s --block-threads=64 --lanes=1 --chip=sm_80 --features=+ptx70 --mma-min-rows=0
// RUN: FileCheck %s --check-prefix=SM80 --input-file=%t/s.manifest
// RUN: FileCheck %s --check-prefix=SM80-PTX --input-file=%t/s.gemv_kernel.ptx
// RUN: not q4-nvptx %s -o %t/no-such-dir/k 2>&1 | FileCheck %s --check-prefix=ERR

!q = !quant4.blocked<256x512, #quant4.q4_k>
!m = !quant4.blocked<256x512, #quant4.mxfp4<layout = hf>>

// The GEMV (M <= 16) is one kernel on the arguments. The tensor-core GEMM
// (M >= 17) rounds x to f16 into a scratch buffer (s0, the runtime
// allocates it; 8 values per thread), then its mma kernel (64 x 64 tiles,
// grid x over row tiles, y over the 4 column tiles, 256 threads, workgroup
// memory inside the PTX; K split 8 ways over grid z, as there are only 4
// tiles) writes partial sums to s1 and a third kernel adds them into the
// output.
// CHECK:      quant4-nvptx-bundle 1
// CHECK-NEXT: func gemv 3
// CHECK-NEXT: arg 0 2048 memref<1x512xf32>
// CHECK-NEXT: arg 1 73728 memref<73728xi8>
// CHECK-NEXT: arg 2 1024 memref<1x256xf32>
// CHECK-NEXT: launch k.gemv_kernel.ptx gemv_kernel 16 1 1 32 4 1 a1 a0 a2
// CHECK-NEXT: func splitk 3
// CHECK-NEXT: arg 0 34816 memref<17x512xf32>
// CHECK-NEXT: arg 1 73728 memref<73728xi8>
// CHECK-NEXT: arg 2 17408 memref<17x256xf32>
// CHECK-NEXT: scratch 0 17408 memref<17x512xf16>
// CHECK-NEXT: scratch 1 139264 memref<8x17x256xf32>
// CHECK-NEXT: launch k.splitk_kernel.ptx splitk_kernel 5 1 1 256 1 1 a0 s0
// CHECK-NEXT: launch k.splitk_kernel_0.ptx splitk_kernel 1 4 8 256 1 1 s0 a1 s1
// CHECK-NEXT: launch k.splitk_kernel_1.ptx splitk_kernel 17 1 1 256 1 1 s1 a2
// CHECK-NEXT: func dequant 2
// CHECK-NEXT: arg 0 69632 memref<69632xi8>
// CHECK-NEXT: arg 1 524288 memref<256x512xf32>
// CHECK-NEXT: launch k.dequant_kernel.ptx dequant_kernel 4 256 1 128 1 1 a0 a1
// CHECK-NOT:  launch

// Without it, the split-K path (partial sums over lanes) takes M = 17.
// SPLITK:      func splitk 3
// SPLITK-NEXT: arg 0 34816 memref<17x512xf32>
// SPLITK-NEXT: arg 1 73728 memref<73728xi8>
// SPLITK-NEXT: arg 2 17408 memref<17x256xf32>
// SPLITK-NEXT: scratch 0 139264 memref<17x256x8xf32>
// SPLITK-NEXT: launch p.splitk_kernel.ptx splitk_kernel 1 16 17 8 16 1 s0 a0 a1
// SPLITK-NEXT: launch p.splitk_kernel_0.ptx splitk_kernel 2 17 1 128 1 1 a2 s0

// PTX:      .version 8.0
// PTX:      .target sm_90
// PTX:      .visible .entry gemv_kernel(
// PTX-NEXT:   .param .u64 .ptr .align 16 gemv_kernel_param_0,
// PTX-NEXT:   .param .u64 .ptr .align 16 gemv_kernel_param_1,
// PTX-NEXT:   .param .u64 .ptr .align 16 gemv_kernel_param_2
// PTX-NEXT: )
// PTX-NEXT: .maxntid 32, 4, 1
// Weights and activations are read-only: the non-coherent cache path, in
// 16-byte loads.
// PTX:      ld.global.nc.v4.b32

// SM80:     launch s.gemv_kernel.ptx gemv_kernel 32 1 1 32 2 1 a1 a0 a2
// SM80:     launch s.splitk_kernel.ptx splitk_kernel 4 17 1 64 1 1 a2 a0 a1
// SM80-NOT: scratch
// SM80-PTX: .target sm_80
// SM80-PTX: .maxntid 32, 2, 1

// ERR: cannot write {{.*}}no-such-dir{{.*}}.ptx

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<73728xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @splitk(%x: tensor<17x512xf32>, %raw: tensor<73728xi8>) -> tensor<17x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<17x512xf32>, !q -> tensor<17x256xf32>
  return %y : tensor<17x256xf32>
}

func.func @dequant(%raw: tensor<69632xi8>) -> tensor<256x512xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.dequantize %w : !m -> tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
