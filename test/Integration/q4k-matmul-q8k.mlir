// `activations q8_k` with M > 1 and a batch dimension: x [2, 3, 4096]
// (random, fixed seed) times the golden 64x4096 Q4_K matrix. The f64
// reference multiplies the Q8_K-rounded x (q4npy.py q8k, a port of
// quantize_row_q8_K_ref that reproduces the golden gemv_x_4096.q8k) with
// ggml's dequantized weights; the tolerance is 1e-6 of max|y|.
//
// RUN: %q4npy random %t.x.npy 2,3,4096 7
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_gauss_64x4096.q4k
// RUN: %q4npy q8k-matmul-ref %t.ref.npy %t.x.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: q4-run %s --entry matmul --input %t.x.npy --input %t.w.npy --output %t.y.npy
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-6
// RUN: q4-run %s --entry matmul --input %t.x.npy --input %t.w.npy --output %t.y2.npy --threads 2
// RUN: cmp %t.y.npy %t.y2.npy
//
// f16 activations are extended exactly to f32 before rounding to Q8_K:
// RUN: %q4npy random %t.xh.npy 5,4096 8 --dtype f16
// RUN: %q4npy q8k-matmul-ref %t.refh.npy %t.xh.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: q4-run %s --entry matmul_f16 --input %t.xh.npy --input %t.w.npy --output %t.yh.npy
// RUN: %q4npy close %t.yh.npy %t.refh.npy 1e-6

!w = !quant4.blocked<64x4096, #quant4.q4_k>

func.func @matmul(%x: tensor<2x3x4096xf32>, %raw: tensor<147456xui8>) -> tensor<2x3x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<2x3x4096xf32>, !w -> tensor<2x3x64xf32>
  return %y : tensor<2x3x64xf32>
}

func.func @matmul_f16(%x: tensor<5x4096xf16>, %raw: tensor<147456xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<5x4096xf16>, !w -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}
