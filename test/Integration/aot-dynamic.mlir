// An entry whose activations have a dynamic number of rows M: q4-run takes
// M from the .npy input, q4-compile's plain entry point from the int64_t
// after each pointer (OUT.h declares it). One library is called with two M.
// The weights are ggml's golden Q4_K bytes; references are float64 products
// with the golden dequantized weights.
//
// RUN: rm -rf %t && mkdir %t
// RUN: %q4npy raw %t/w.npy %golden/q4k/q4k_gauss_64x4096.q4k
// RUN: %q4npy random %t/x1.npy 1,4096 1
// RUN: %q4npy random %t/x7.npy 7,4096 7
// RUN: %q4npy matmul-ref %t/ref1.npy %t/x1.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy matmul-ref %t/ref7.npy %t/x7.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
//
// q4-run: M = 1 and M = 7.
// RUN: q4-run %s --entry gemm --input %t/x1.npy --input %t/w.npy --output %t/run1.npy
// RUN: q4-run %s --entry gemm --input %t/x7.npy --input %t/w.npy --output %t/run7.npy
// RUN: %q4npy close %t/run1.npy %t/ref1.npy 1e-5
// RUN: %q4npy close %t/run7.npy %t/ref7.npy 1e-5
// RUN: %python -c "import numpy as np, sys; assert np.load(sys.argv[1]).shape == (7, 64)" %t/run7.npy
//
// An input whose static dimension differs is an error.
// RUN: %q4npy random %t/bad.npy 2,100 3
// RUN: not q4-run %s --entry gemm --input %t/bad.npy --input %t/w.npy 2>&1 | FileCheck %s --check-prefix=RUNBAD
// RUNBAD: q4-run: input 0 (<f4, shape 2x100) does not match argument 0 of 'gemm' (tensor<?x4096xf32>)
//
// q4-compile: one library, M = 7 then M = 1.
// RUN: q4-compile %s -o %t/gemm.so
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/gemm.h
// HEADER:      #define Q4_GEMM_ARG0_ELEMENTS(d0) ((int64_t)(d0) * 4096)
// HEADER-NEXT: #define Q4_GEMM_ARG1_ELEMENTS 147456
// HEADER-NEXT: #define Q4_GEMM_RESULT0_ELEMENTS(d0) ((int64_t)(d0) * 64)
// HEADER-NEXT: int q4_gemm(const float *arg0, int64_t arg0_d0, const uint8_t *arg1, float *result0, int64_t result0_d0);
// RUN: %python -c "import numpy as np, sys; [np.load(a).tofile(b) for a, b in zip(sys.argv[1::2], sys.argv[2::2])]" %t/x1.npy %t/x1.f32 %t/x7.npy %t/x7.f32
// RUN: clang -std=c11 -Wall -Werror -include %t/gemm.h %S/Inputs/aot_dynamic_main.c %t/gemm.so -o %t/gemm.exe
// RUN: %t/gemm.exe %golden/q4k/q4k_gauss_64x4096.q4k %t/x1.f32 %t/x7.f32 %t/y1.f32 %t/y7.f32
// RUN: %q4npy close %t/y1.f32 %t/ref1.npy 1e-5
// RUN: %q4npy close %t/y7.f32 %t/ref7.npy 1e-5
//
// Bad sizes: a message from q4_gemm_error() and a non-zero status.
// RUN: not %t/gemm.exe --negative 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: q4_gemm failed (1): q4_gemm: arg0 dimension 0 is -1, a size must not be negative
// RUN: not %t/gemm.exe --mismatch 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: q4_gemm failed (1): q4_gemm: result0 dimension 0 is 2, but the caller passed 3

!w = !quant4.blocked<64x4096, #quant4.q4_k>

func.func @gemm(%x: tensor<?x4096xf32>, %raw: tensor<147456xui8>) -> tensor<?x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<?x4096xf32>, !w -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
