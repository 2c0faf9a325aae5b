// A host library whose kernels take dynamic shared memory (the
// decode-once tensor-core GEMM, quant4-gpu-mma-gemm): the embedded manifest
// carries each launch's bytes, and the runtime opts the kernel in
// (cuFuncSetAttribute) before launching with them. Even 48 KiB needs the
// opt-in: the default limit covers static and dynamic bytes together.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: q4-compile %s --target=nvptx --chip=sm_90 -o %t/hs.so
// RUN: q4-compile %s --target=nvptx --chip=sm_90 --emit=ptx -o %t/k
// RUN: clang -std=c11 -Wall -Werror -include %t/hs.h %S/Inputs/host_library_gemm_main.c %t/hs.so -o %t/main
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_LOG=%t/log %t/main > %t/out
// RUN: cat %t/k.manifest %t/out %t/log | FileCheck %s
//
// For sm_90a the mma kernel is the wgmma one: 4 stages of 128 + 256 rows
// of 64 halves plus 1024 bytes to align them (197632 bytes), far above
// the default limit.
// RUN: mkdir -p %t/a
// RUN: q4-compile %s --target=nvptx --chip=sm_90a -o %t/a/hs.so
// RUN: q4-compile %s --target=nvptx --chip=sm_90a --emit=ptx -o %t/a/k
// RUN: clang -std=c11 -Wall -Werror -include %t/a/hs.h %S/Inputs/host_library_gemm_main.c %t/a/hs.so -o %t/a/main
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_LOG=%t/a/log %t/a/main > %t/a/out
// RUN: cat %t/a/k.manifest %t/a/out %t/a/log | FileCheck %s --check-prefix=WGMMA
// RUN: FileCheck %s --check-prefix=WGMMAPTX --input-file=%t/a/k.gemm_kernel_1.ptx
//
// A launch asking for more than the device allows fails the call with
// the driver's error and the limit: unittests/Runtime/KernelBundleTest.cpp
// (quant4-gpu-mma-gemm refuses tilings above sm_90's 227 KiB).

// M = 128 MXFP4 decodes its weights once: x to f16, weights to f16, the
// mma kernel on 3 stages of 128 + 128 rows of 32 halves (49152 bytes, K
// split 8 ways), the split sum.
// CHECK:      launch k.gemm_kernel.ptx gemm_kernel {{.*}} a0 s0
// CHECK-NEXT: launch k.gemm_kernel_0.ptx gemm_kernel {{.*}} a1 s1
// CHECK-NEXT: launch k.gemm_kernel_1.ptx gemm_kernel 1 1 8 128 1 1 shared=49152 s0 s1 s2
// CHECK-NEXT: launch k.gemm_kernel_2.ptx gemm_kernel {{.*}} s2 a2
// CHECK:      q4_gemm -> 0
// CHECK:      cuFuncSetAttribute gemm_kernel 8 49152
// CHECK-NOT:  cuFuncSetAttribute
// CHECK:      cuLaunchKernel gemm_kernel grid {{[0-9 ]+}} block 256 1 1 shared 0
// CHECK-NEXT: cuLaunchKernel gemm_kernel grid {{[0-9 ]+}} block 256 1 1 shared 0
// CHECK-NEXT: cuLaunchKernel gemm_kernel grid 1 1 8 block 128 1 1 shared 49152
// CHECK-NEXT: cuLaunchKernel gemm_kernel grid {{[0-9 ]+}} block 256 1 1 shared 0

// WGMMA:      launch k.gemm_kernel_1.ptx gemm_kernel 1 1 8 256 1 1 shared=197632 s0 s1 s2
// WGMMA:      q4_gemm -> 0
// WGMMA:      cuFuncSetAttribute gemm_kernel 8 197632
// WGMMA:      cuLaunchKernel gemm_kernel grid 1 1 8 block 256 1 1 shared 197632
// WGMMAPTX:   .target sm_90a
// WGMMAPTX:   wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16

!w = !quant4.blocked<128x512, #quant4.mxfp4>

func.func @gemm(%x: tensor<128x512xf32>, %raw: tensor<34816xi8>) -> tensor<128x128xf32> {
  %w = quant4.from_bytes %raw : tensor<34816xi8> -> !w
  %y = quant4.matmul %x, %w : tensor<128x512xf32>, !w -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}
