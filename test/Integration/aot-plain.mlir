// q4-compile's pointer-only C entry points (q4_<name>): dense buffers in,
// results copied into caller buffers, no memref descriptors in sight.
//
// RUN: q4-compile %s -o %t.so --header %t.h
// RUN: FileCheck %s --input-file=%t.h
// RUN: clang -std=c11 -Wall -Werror -include %t.h %S/Inputs/aot_plain_main.c %t.so -o %t.exe
// RUN: head -c 18432 %golden/q4k/gemv_W_4096x4096.q4k > %t.w.bin
// RUN: %t.exe %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.gemv.f32 %t.dequant.f32 %t.bytes.u8
//
// The gemv matches the float64 reference; the bytes come back unchanged.
// RUN: %q4npy close %t.gemv.f32 %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5 --first 8
// RUN: cmp %t.bytes.u8 %t.w.bin
// The dequantized rows are bit-exact with ggml's dequantize_row_q4_K (checked
// against lib/Format through q4-quant, itself golden-tested).
// RUN: q4-quant dequantize --format q4_k --shape 8,4096 %t.w.bin -o %t.ref.f32
// RUN: cmp %t.dequant.f32 %t.ref.f32
//
// --activations=q8_k: the same library with x rounded to ggml's Q8_K and
// int8 dot products (docs/CPU.md); its gemv matches the float64 reference
// taken on the Q8_K-rounded x, not the f32 one.
// RUN: q4-compile %s --activations=q8_k -o %t.q8.so --header %t.q8.h
// RUN: clang -std=c11 -Wall -Werror -include %t.q8.h %S/Inputs/aot_plain_main.c %t.q8.so -o %t.q8.exe
// RUN: %t.q8.exe %t.w.bin %golden/q4k/gemv_x_4096.f32 %t.q8.gemv.f32 %t.q8.dequant.f32 %t.q8.bytes.u8
// RUN: %q4npy close %t.q8.gemv.f32 %golden/q4k/gemv_y_ref_q8k_f64_4096.f64 1e-6 --first 8
// RUN: not %q4npy close %t.q8.gemv.f32 %golden/q4k/gemv_y_ref_f64_4096.f64 1e-4 --first 8

// CHECK:      #define Q4_GEMV_ARG0_ELEMENTS 4096
// CHECK-NEXT: #define Q4_GEMV_ARG1_ELEMENTS 18432
// CHECK-NEXT: #define Q4_GEMV_RESULT0_ELEMENTS 8
// CHECK-NEXT: int q4_gemv(const float *arg0, const uint8_t *arg1, float *result0);
// CHECK:      #define Q4_TWO_RESULT1_ELEMENTS 18432
// CHECK-NEXT: int q4_two(const uint8_t *arg0, float *result0, uint8_t *result1);

!w = !quant4.blocked<8x4096, #quant4.q4_k>

func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<18432xui8>) -> tensor<1x8xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !w -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// Two results, one of them the argument's own bytes (not freed by the wrapper).
func.func @two(%raw: tensor<18432xui8>) -> (tensor<8x4096xf32>, tensor<18432xui8>) {
  %w = quant4.from_bytes %raw : tensor<18432xui8> -> !w
  %d = quant4.dequantize %w : !w -> tensor<8x4096xf32>
  %b = quant4.to_bytes %w : !w -> tensor<18432xui8>
  return %d, %b : tensor<8x4096xf32>, tensor<18432xui8>
}
