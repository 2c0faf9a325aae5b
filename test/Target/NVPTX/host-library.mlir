// q4-compile --target=nvptx writes a host library (OUT.so) embedding the
// kernels' PTX and launch manifest, and OUT.h: int q4_<entry>(device
// pointers..., void *stream) and q4_<lib>_error. A C program calls it with
// the fake libcuda.so.1 of unittests/Runtime, which records the launches.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: q4-compile %s --target=nvptx --chip=sm_90 -o %t/hl.so
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/hl.h
// RUN: q4-compile %s --target=nvptx --chip=sm_90 --emit=ptx -o %t/k
//
// Only the entry points and the error function are exported; lib/Runtime
// is linked in with its symbols hidden, libcuda is dlopen()ed, not linked.
// RUN: llvm-nm -D --defined-only %t/hl.so | FileCheck %s --check-prefix=SYMBOLS
// RUN: llvm-readelf -d %t/hl.so | FileCheck %s --check-prefix=NEEDED
//
// The embedded PTX is the PTX of --emit=ptx, one section per module.
// RUN: llvm-objcopy --dump-section .q4.ptx.gemv_kernel=%t/gemv.ptx %t/hl.so %t/copy.so
// RUN: cmp %t/gemv.ptx %t/k.gemv_kernel.ptx
//
// RUN: clang -std=c11 -Wall -Werror -include %t/hl.h %S/Inputs/host_library_main.c %t/hl.so -lpthread -o %t/main
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_LOG=%t/log %t/main threads > %t/out
// RUN: cat %t/k.manifest %t/out %t/log | FileCheck %s --check-prefix=CALLS
//
// Errors: the CUDA error code comes back, and q4_hl_error() names the call
// and the error.
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_MODULE_LOAD=218 %t/main once | FileCheck %s --check-prefix=BADPTX
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_INIT=100 %t/main once | FileCheck %s --check-prefix=NODEVICE
//
// RUN: not q4-compile %s --target=nvptx --emit=exe -o %t/x 2>&1 | FileCheck %s --check-prefix=BADEMIT
// RUN: not q4-compile %s --target=nvptx --entry=nope -o %t/x.so 2>&1 | FileCheck %s --check-prefix=NOENTRY

// HEADER:      const char *q4_hl_error(void);
// HEADER:      #define Q4_GEMV_ARG0_ELEMENTS 512
// HEADER-NEXT: #define Q4_GEMV_ARG1_ELEMENTS 73728
// HEADER-NEXT: #define Q4_GEMV_RESULT0_ELEMENTS 256
// HEADER-NEXT: int q4_gemv(const float *arg0 /* device */, const uint8_t *arg1 /* device */, float *result0 /* device */, void *stream);
// HEADER:      int q4_dequant(const int8_t *arg0 /* device */, float *result0 /* device */, void *stream);

// SYMBOLS-NOT: q4rt_
// SYMBOLS:     T q4_dequant
// SYMBOLS-NEXT: T q4_gemv
// SYMBOLS-NEXT: T q4_hl_error
// SYMBOLS-NOT: q4rt_

// NEEDED-NOT: libcuda
// NEEDED-NOT: libMLIR
// NEEDED-NOT: libLLVM

// The launch shapes and operand order come from the manifest.
// CALLS:      launch k.gemv_kernel.ptx gemv_kernel [[G:[0-9]+ [0-9]+ [0-9]+]] [[B:[0-9]+ [0-9]+ [0-9]+]] a1 a0 a2
// CALLS:      launch k.dequant_kernel.ptx dequant_kernel [[DG:[0-9]+ [0-9]+ [0-9]+]] [[DB:[0-9]+ [0-9]+ [0-9]+]] a0 a1
// CALLS:      x [[X:0x[0-9a-f]+]] w [[W:0x[0-9a-f]+]] y [[Y:0x[0-9a-f]+]] d [[D:0x[0-9a-f]+]]
// CALLS-NEXT: threads done
// CALLS-NEXT: q4_gemv null stream -> 0
// CALLS-NEXT: q4_dequant -> 0
// CALLS-NEXT: q4_gemv misaligned -> -1: q4_gemv: argument 0 is not 16-byte aligned
// CALLS-NEXT: q4_gemv null -> -1: q4_gemv: argument 1 is a null pointer
// Four threads calling at once load the bundle (both modules) once.
// CALLS-NEXT: cuModuleLoadDataEx {{[0-9]+}} bytes
// CALLS-NEXT: cuModuleLoadDataEx {{[0-9]+}} bytes
// CALLS-COUNT-4: cuLaunchKernel gemv_kernel grid [[G]] block [[B]] shared 0 stream 0x5700 params [[W]] [[X]] [[Y]]{{$}}
// CALLS-NEXT: cuLaunchKernel gemv_kernel grid [[G]] block [[B]] shared 0 stream (nil) params [[W]] [[X]] [[Y]]{{$}}
// CALLS-NEXT: cuLaunchKernel dequant_kernel grid [[DG]] block [[DB]] shared 0 stream 0x5700 params [[W]] [[D]]{{$}}
// CALLS-NOT:  cuLaunchKernel
// CALLS-NOT:  cuModuleLoadDataEx

// BADPTX: q4_gemv -> 218: q4_gemv: embedded.gemv_kernel.ptx: cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX: a PTX JIT compilation failed
// NODEVICE: q4_gemv -> 100: q4_gemv: cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected

// BADEMIT: q4-compile: --emit for --target=nvptx must be mlir, ptx, llvm, obj or shared, got 'exe'
// NOENTRY: error: no function named 'nope'

!q = !quant4.blocked<256x512, #quant4.q4_k>
!m = !quant4.blocked<256x512, #quant4.mxfp4<layout = hf>>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<73728xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xui8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @dequant(%raw: tensor<69632xi8>) -> tensor<256x512xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.dequantize %w : !m -> tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
