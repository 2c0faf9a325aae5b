// Dequantize golden Q4_K bytes produced by ggml and compare the float32 bits
// with ggml's dequantize_row_q4_K output.
//
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_gauss_4096.q4k
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/q4k/q4k_gauss_4096.dequant.f32
//
// fp16 subnormal d/dmin, zero scales and a huge dynamic range:
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_tiny_1e-6_4096.q4k
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/q4k/q4k_tiny_1e-6_4096.dequant.f32
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_mixed_subblock_4096.q4k
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/q4k/q4k_mixed_subblock_4096.dequant.f32
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_huge_range_4096.q4k
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/q4k/q4k_huge_range_4096.dequant.f32
//
// A 64x4096 matrix (rows of 16 blocks):
// RUN: %q4npy raw %t.m.npy %golden/q4k/q4k_outlier_row_64x4096.q4k
// RUN: q4-run %s --entry matrix --input %t.m.npy --output %t.z.npy
// RUN: %q4npy exact %t.z.npy %golden/q4k/q4k_outlier_row_64x4096.dequant.f32
//
// The comparison is able to fail: another case's golden output differs.
// RUN: not %q4npy exact %t.z.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 | FileCheck %s
// CHECK: FAIL: {{[0-9]+}} of 262144 values differ

!row = !quant4.blocked<1x4096, #quant4.q4_k>
!matrix = !quant4.blocked<64x4096, #quant4.q4_k>

func.func @row(%raw: tensor<2304xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<2304xui8> -> !row
  %y = quant4.dequantize %w : !row -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

func.func @matrix(%raw: tensor<147456xui8>) -> tensor<64x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !matrix
  %y = quant4.dequantize %w : !matrix -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}
