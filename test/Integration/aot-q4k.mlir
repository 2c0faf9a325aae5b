// q4-compile: a shared library plus a C header, called from C.
//
// RUN: q4-compile %s -o %t.so --header %t.h
// RUN: FileCheck %s --input-file=%t.h --check-prefix=HEADER
// RUN: clang -std=c11 -Wall -Werror -include %t.h %S/Inputs/aot_main.c %t.so -o %t.exe
// RUN: head -c 18432 %golden/q4k/gemv_W_4096x4096.q4k > %t.w.bin
// RUN: %t.exe %golden/q4k/q4k_gauss_4096.q4k %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.row.f32 %t.gemv.f32
//
// The row dequantizes bit-exactly to ggml's output; the 8x4096 gemv (the
// first 8 rows of the golden gemv weights) matches the first 8 values of the
// float64 reference within 1e-5 of max|y|.
// RUN: %q4npy exact %t.row.f32 %golden/q4k/q4k_gauss_4096.dequant.f32
// RUN: %q4npy close %t.gemv.f32 %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5 --first 8
//
// The same with two OpenMP threads (the library links libomp):
// RUN: q4-compile %s -o %t.omp.so --header %t.omp.h --num-threads 2
// RUN: clang -std=c11 -Wall -Werror -include %t.omp.h %S/Inputs/aot_main.c %t.omp.so -o %t.omp.exe
// RUN: %t.omp.exe %golden/q4k/q4k_gauss_4096.q4k %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.row2.f32 %t.gemv2.f32
// RUN: %q4npy exact %t.row2.f32 %golden/q4k/q4k_gauss_4096.dequant.f32
// RUN: cmp %t.gemv.f32 %t.gemv2.f32
//
// The vectorized matmul for other x86 levels: AVX2 + FMA (x86-64-v3) and
// plain SSE2 without FMA (x86-64); same tolerance, same bit-exact row.
// RUN: q4-compile %s -o %t.v3.so --header %t.v3.h --mcpu x86-64-v3
// RUN: clang -std=c11 -Wall -Werror -include %t.v3.h %S/Inputs/aot_main.c %t.v3.so -o %t.v3.exe
// RUN: %t.v3.exe %golden/q4k/q4k_gauss_4096.q4k %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.row3.f32 %t.gemv3.f32
// RUN: %q4npy exact %t.row3.f32 %golden/q4k/q4k_gauss_4096.dequant.f32
// RUN: %q4npy close %t.gemv3.f32 %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5 --first 8
// RUN: q4-compile %s -o %t.v1.so --header %t.v1.h --mcpu x86-64
// RUN: clang -std=c11 -Wall -Werror -include %t.v1.h %S/Inputs/aot_main.c %t.v1.so -o %t.v1.exe
// RUN: %t.v1.exe %golden/q4k/q4k_gauss_4096.q4k %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.row1.f32 %t.gemv1.f32
// RUN: %q4npy exact %t.row1.f32 %golden/q4k/q4k_gauss_4096.dequant.f32
// RUN: %q4npy close %t.gemv1.f32 %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5 --first 8
//
// HEADER:      #ifndef Q4_AOT_Q4K_MLIR_TMP_H
// HEADER:      typedef Q4_MEMREF(uint8_t, 1) row_arg0_t; /* tensor<2304xui8> */
// HEADER-NEXT: typedef Q4_MEMREF(float, 2) row_result0_t; /* tensor<1x4096xf32> */
// HEADER-NEXT: void _mlir_ciface_row(row_result0_t *result, row_arg0_t *arg0);
// HEADER:      typedef Q4_MEMREF(float, 2) gemv_arg0_t; /* tensor<1x4096xf32> */
// HEADER-NEXT: typedef Q4_MEMREF(uint8_t, 1) gemv_arg1_t; /* tensor<18432xui8> */
// HEADER-NEXT: typedef Q4_MEMREF(float, 2) gemv_result0_t; /* tensor<1x8xf32> */
// HEADER-NEXT: void _mlir_ciface_gemv(gemv_result0_t *result, gemv_arg0_t *arg0, gemv_arg1_t *arg1);

!row = !quant4.blocked<1x4096, #quant4.q4_k>
!w = !quant4.blocked<8x4096, #quant4.q4_k>

func.func @row(%raw: tensor<2304xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<2304xui8> -> !row
  %y = quant4.dequantize %w : !row -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<18432xui8>) -> tensor<1x8xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !w -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
