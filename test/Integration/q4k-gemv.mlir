// ggml's golden gemv: W 4096x4096 Q4_K (quantized by ggml), x f32. The
// reference sums dequant_f32(W)[i,k] * x[k] exactly and rounds once to f64;
// q4-run decodes W inside the reduction (vectorized: whole Q4_K sub-blocks,
// FMA lanes, per-block sums) and accumulates in f32, so the error is f32
// summation error only: measured 1.6e-7 of max|y| (3.5e-7 with the scalar
// K-order loops); the tolerance is 1e-5 of max|y|.
//
// RUN: %q4npy raw %t.x.npy --dtype f32 --shape 1,4096 %golden/q4k/gemv_x_4096.f32
// RUN: %q4npy raw %t.w.npy %golden/q4k/gemv_W_4096x4096.q4k
// RUN: q4-run %s --entry gemv --input %t.x.npy --input %t.w.npy --output %t.y.npy --bench 3 | FileCheck %s
// RUN: %q4npy close %t.y.npy %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5
//
// Two OpenMP threads (parallel tiles over N) give the same sums:
// RUN: q4-run %s --entry gemv --input %t.x.npy --input %t.w.npy --output %t.y2.npy --threads 2
// RUN: %q4npy close %t.y2.npy %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5
// RUN: cmp %t.y.npy %t.y2.npy
//
// CHECK: bench gemv: 3 runs, median {{.*}} ms, min {{.*}} ms, max {{.*}} ms

!w = !quant4.blocked<4096x4096, #quant4.q4_k>

func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<9437184xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<9437184xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !w -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}
