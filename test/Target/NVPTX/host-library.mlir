// q4-compile --target=nvptx writes a host library (OUT.so) embedding the
// kernels' PTX and launch manifest, and OUT.h: int q4_<entry>(device
// pointers..., void *stream), q4_<entry>_with_workspace(..., workspace,
// bytes, stream), q4_<entry>_workspace_size(), q4_<lib>_prepare and
// q4_<lib>_error. A C program calls it with the fake libcuda.so.1 of
// unittests/Runtime, which records the launches.
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
// Scratch memory: q4_gemm (M = 32: x in f16 and split-K partial sums
// between its kernels) takes its scratch from a workspace of each stream's
// own, or from the caller's.
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_LOG=%t/slog %t/main scratch > %t/sout
// RUN: cat %t/k.manifest %t/sout %t/slog | FileCheck %s --check-prefix=SCRATCH
// RUN: FileCheck %s --check-prefix=OWN --input-file=%t/slog
//
// Errors: the CUDA error code comes back, and q4_hl_error() names the call
// and the error.
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_MODULE_LOAD=218 %t/main once | FileCheck %s --check-prefix=BADPTX
// RUN: env LD_LIBRARY_PATH=%quant4_build/unittests/Runtime/fake QUANT4_FAKE_CUDA_INIT=100 %t/main once | FileCheck %s --check-prefix=NODEVICE
//
// RUN: not q4-compile %s --target=nvptx --emit=exe -o %t/x 2>&1 | FileCheck %s --check-prefix=BADEMIT
// RUN: not q4-compile %s --target=nvptx --entry=nope -o %t/x.so 2>&1 | FileCheck %s --check-prefix=NOENTRY

// HEADER:      const char *q4_hl_error(void);
// HEADER:      int q4_hl_prepare(void *stream);
// HEADER:      #define Q4_GEMV_ARG0_ELEMENTS 512
// HEADER-NEXT: #define Q4_GEMV_ARG1_ELEMENTS 73728
// HEADER-NEXT: #define Q4_GEMV_RESULT0_ELEMENTS 256
// HEADER-NEXT: #define Q4_GEMV_WORKSPACE_BYTES 0
// HEADER-NEXT: int q4_gemv(const float *arg0 /* device */, const uint8_t *arg1 /* device */, float *result0 /* device */, void *stream);
// HEADER-NEXT: int q4_gemv_with_workspace(const float *arg0 /* device */, const uint8_t *arg1 /* device */, float *result0 /* device */, void *workspace /* device */, uint64_t workspace_bytes, void *stream);
// HEADER-NEXT: uint64_t q4_gemv_workspace_size(void);
// HEADER:      int q4_dequant(const int8_t *arg0 /* device */, float *result0 /* device */, void *stream);
// HEADER:      #define Q4_GEMM_WORKSPACE_BYTES [[WSBYTES:[1-9][0-9]*]]

// SYMBOLS-NOT: q4rt_
// SYMBOLS:     T q4_dequant
// SYMBOLS-NEXT: T q4_dequant_with_workspace
// SYMBOLS-NEXT: T q4_dequant_workspace_size
// SYMBOLS-NEXT: T q4_gemm
// SYMBOLS-NEXT: T q4_gemm_with_workspace
// SYMBOLS-NEXT: T q4_gemm_workspace_size
// SYMBOLS-NEXT: T q4_gemv
// SYMBOLS-NEXT: T q4_gemv_with_workspace
// SYMBOLS-NEXT: T q4_gemv_workspace_size
// SYMBOLS-NEXT: T q4_hl_error
// SYMBOLS-NEXT: T q4_hl_prepare
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

// The workspace: x in f16 (32 x 512 x 2 bytes), then the 8 splits' partial
// sums (8 x 32 x 256 x 4 bytes), each at a multiple of 256 bytes.
// SCRATCH:      func gemm 3
// SCRATCH:      scratch 0 32768 memref<32x512xf16>
// SCRATCH-NEXT: scratch 1 262144 memref<8x32x256xf32>
// SCRATCH-NEXT: launch k.gemm_kernel.ptx gemm_kernel {{.*}} a0 s0{{$}}
// SCRATCH-NEXT: launch k.gemm_kernel_0.ptx gemm_kernel {{.*}} s0 a1 s1{{$}}
// SCRATCH-NEXT: launch k.gemm_kernel_1.ptx gemm_kernel {{.*}} s1 a2{{$}}
// SCRATCH:      workspace 0x[[#%x,WS:]] 294912 bytes (macro 294912), gemv 0
// SCRATCH-NEXT: q4_gemm stream A -> 0
// SCRATCH-NEXT: q4_gemm stream B -> 0
// SCRATCH-NEXT: q4_gemm workspace -> 0
// SCRATCH-NEXT: q4_gemm small workspace -> -1: q4_gemm_with_workspace: the workspace has 294911 bytes, the function needs 294912
// SCRATCH-NEXT: q4_gemv no workspace -> 0
// SCRATCH-NEXT: q4_hl_prepare -> 0
// Each stream's own workspace: s0 at its start, s1 32768 bytes on.
// SCRATCH:      stream 0x5700 params [[X:0x[0-9a-f]+]] 0x[[#%x,A:]]{{$}}
// SCRATCH-NEXT: stream 0x5700 params 0x[[#%x,A]] [[W:0x[0-9a-f]+]] 0x[[#%x,A+32768]]{{$}}
// SCRATCH-NEXT: stream 0x5700 params 0x[[#%x,A+32768]] [[Y:0x[0-9a-f]+]]{{$}}
// SCRATCH-NEXT: stream 0x5800 params [[X]] 0x[[#%x,B:]]{{$}}
// SCRATCH-NEXT: stream 0x5800 params 0x[[#%x,B]] [[W]] 0x[[#%x,B+32768]]{{$}}
// SCRATCH-NEXT: stream 0x5800 params 0x[[#%x,B+32768]] [[Y]]{{$}}
// The caller's workspace.
// SCRATCH-NEXT: stream 0x5700 params [[X]] 0x[[#%x,WS]]{{$}}
// SCRATCH-NEXT: stream 0x5700 params 0x[[#%x,WS]] [[W]] 0x[[#%x,WS+32768]]{{$}}
// SCRATCH-NEXT: stream 0x5700 params 0x[[#%x,WS+32768]] [[Y]]{{$}}
// SCRATCH-NEXT: cuLaunchKernel gemv_kernel
// SCRATCH-NOT:  cuLaunchKernel
// ... and the two streams' workspaces differ.
// OWN:     stream 0x5700 params {{0x[0-9a-f]+}} [[A0:0x[0-9a-f]+]]{{$}}
// OWN-NOT: stream 0x5800 params {{0x[0-9a-f]+}} [[A0]]{{$}}

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

func.func @gemm(%x: tensor<32x512xf32>, %raw: tensor<73728xi8>) -> tensor<32x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<32x512xf32>, !q -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}
