// The vectorized CPU matmul (the pipeline's default: buildVectorDecode of
// whole Q4_K sub-blocks, vector.fma lanes, one reassociating reduction per
// block) on ggml-quantized Q4_K weights, against a float64 numpy reference
// x @ W^T built from ggml's GOLDEN dequantized weights: M = 8 (f32) and a
// batched f16 [2, 3] x 4096. Tolerance 1e-5 of max|y| (docs/CPU.md).
//
// RUN: %q4npy random %t.x.npy 8,4096 4321
// RUN: %q4npy random %t.xh.npy 2,3,4096 77 --dtype f16
// RUN: %q4npy raw %t.w.npy %golden/q4k/q4k_gauss_64x4096.q4k
// RUN: q4-run %s --entry gemm --input %t.x.npy --input %t.w.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// RUN: q4-run %s --entry batched_f16 --input %t.xh.npy --input %t.w.npy --output %t.yh.npy
// RUN: %q4npy matmul-ref %t.refh.npy %t.xh.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.yh.npy %t.refh.npy 1e-5
//
// Two threads compute the same tiles with the same code: identical bytes.
// RUN: q4-run %s --entry gemm --input %t.x.npy --input %t.w.npy --output %t.y2.npy --num-threads 2
// RUN: cmp %t.y.npy %t.y2.npy

!w = !quant4.blocked<64x4096, #quant4.q4_k>

func.func @gemm(%x: tensor<8x4096xf32>, %raw: tensor<147456xui8>) -> tensor<8x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<8x4096xf32>, !w -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

func.func @batched_f16(%x: tensor<2x3x4096xf16>, %raw: tensor<147456xui8>) -> tensor<2x3x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<2x3x4096xf16>, !w -> tensor<2x3x64xf32>
  return %y : tensor<2x3x64xf32>
}
