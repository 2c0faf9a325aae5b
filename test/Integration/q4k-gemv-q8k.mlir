// `activations q8_k` on ggml's golden gemv (W 4096x4096 Q4_K, x f32): x is
// rounded to Q8_K in the generated code and multiplied with W's codes in
// int32. The reference gemv_y_ref_q8k_f64_4096 sums dequant_f32(W)[i,k] *
// (d_x * q8_x[k]) exactly (x rounded by ggml's quantize_row_q8_K_ref), so
// the remaining error is f32 rounding of the per-block scale products and
// of the 8-lane sums over the 16 blocks: measured 3.1e-7 of max|y| (ggml's
// own output: 3.6e-7); the tolerance is 1e-6 of max|y|.
//
// RUN: %q4npy raw %t.x.npy --dtype f32 --shape 1,4096 %golden/q4k/gemv_x_4096.f32
// RUN: %q4npy raw %t.w.npy %golden/q4k/gemv_W_4096x4096.q4k
// RUN: q4-run %s --entry gemv --input %t.x.npy --input %t.w.npy --output %t.y.npy --bench 3 | FileCheck %s
// RUN: %q4npy close %t.y.npy %golden/q4k/gemv_y_ref_q8k_f64_4096.f64 1e-6
// RUN: %q4npy close %t.y.npy %golden/q4k/gemv_y_ggml_4096.f32 1e-6
//
// The f32 reference (x not rounded) is only within the Q8_K rounding of x
// (ggml: 0.031 absolute, 0.7 % of max|y|):
// RUN: not %q4npy close %t.y.npy %golden/q4k/gemv_y_ref_f64_4096.f64 1e-3
// RUN: %q4npy close %t.y.npy %golden/q4k/gemv_y_ref_f64_4096.f64 2e-2
//
// Two OpenMP threads (parallel tiles over N) give the same sums:
// RUN: q4-run %s --entry gemv --input %t.x.npy --input %t.w.npy --output %t.y2.npy --threads 2
// RUN: cmp %t.y.npy %t.y2.npy
//
// CHECK: bench gemv: 3 runs, median {{.*}} ms, min {{.*}} ms, max {{.*}} ms

!w = !quant4.blocked<4096x4096, #quant4.q4_k>

func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<9437184xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<9437184xui8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x4096xf32>, !w -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}
