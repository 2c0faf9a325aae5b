// The vectorized CPU matmul (MatmulKernel.cpp) for every format and layout,
// against float64 references x @ W^T built from the GOLDEN dequantized
// weights (ggml / bitsandbytes / OCP reference), not from q4-run. M = 1
// uses the factored per-group sums (a_g * sum(x * c) + b_g * sum(x)); M = 5
// with the default tile-m = 4 runs one 4-row group (each decoded weight
// vector shared by 4 rows) and one factored row. Tolerance 1e-5 of max|y|
// (docs/CPU.md).
//
// RUN: %q4npy random %t.x1.npy 1,4096 11
// RUN: %q4npy random %t.x5.npy 5,4096 12
//
// RUN: %q4npy raw %t.q4k.npy %golden/q4k/q4k_gauss_64x4096.q4k
// RUN: %q4npy raw %t.nf4.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.absmax.f32
// RUN: %q4npy raw %t.nested.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.nested.qabsmax.u8 %golden/nf4/nf4_gauss_64x4096.nested.absmax2.f32 %golden/nf4/nf4_gauss_64x4096.nested.offset.f32
// RUN: %q4npy raw %t.mx.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.mxfp4
// RUN: %q4npy raw %t.hf.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_scales.u8
//
// RUN: q4-run %s --entry q4k_1 --input %t.x1.npy --input %t.q4k.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x1.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// RUN: q4-run %s --entry q4k_5 --input %t.x5.npy --input %t.q4k.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/q4k/q4k_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// Two threads (column tiles over OpenMP) compute the same tiles: same bytes.
// RUN: q4-run %s --entry q4k_5 --input %t.x5.npy --input %t.q4k.npy --output %t.y2.npy --threads 2
// RUN: cmp %t.y.npy %t.y2.npy
//
// RUN: q4-run %s --entry nf4_1 --input %t.x1.npy --input %t.nf4.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x1.npy %golden/nf4/nf4_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// RUN: q4-run %s --entry nf4_5 --input %t.x5.npy --input %t.nf4.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/nf4/nf4_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// RUN: q4-run %s --entry nested_5 --input %t.x5.npy --input %t.nested.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/nf4/nf4_gauss_64x4096.nested.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// RUN: q4-run %s --entry mx_1 --input %t.x1.npy --input %t.mx.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x1.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// RUN: q4-run %s --entry mx_5 --input %t.x5.npy --input %t.mx.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// RUN: q4-run %s --entry hf_1 --input %t.x1.npy --input %t.hf.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x1.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
// RUN: q4-run %s --entry hf_5 --input %t.x5.npy --input %t.hf.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// The check is able to fail: the q4_k result against the nf4 reference.
// RUN: q4-run %s --entry q4k_5 --input %t.x5.npy --input %t.q4k.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x5.npy %golden/nf4/nf4_gauss_64x4096.dequant.f32 64 4096
// RUN: not %q4npy close %t.y.npy %t.ref.npy 1e-5

!q4k = !quant4.blocked<64x4096, #quant4.q4_k>
!nf4 = !quant4.blocked<64x4096, #quant4.nf4>
!nested = !quant4.blocked<64x4096, #quant4.nf4<double_quant = true>>
!mx = !quant4.blocked<64x4096, #quant4.mxfp4>
!hf = !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>

func.func @q4k_1(%x: tensor<1x4096xf32>, %raw: tensor<147456xui8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !q4k
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !q4k -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @q4k_5(%x: tensor<5x4096xf32>, %raw: tensor<147456xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !q4k
  %y = quant4.matmul %x, %w : tensor<5x4096xf32>, !q4k -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

func.func @nf4_1(%x: tensor<1x4096xf32>, %raw: tensor<147456xui8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !nf4
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !nf4 -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @nf4_5(%x: tensor<5x4096xf32>, %raw: tensor<147456xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !nf4
  %y = quant4.matmul %x, %w : tensor<5x4096xf32>, !nf4 -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

func.func @nested_5(%x: tensor<5x4096xf32>, %raw: tensor<135236xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<135236xui8> -> !nested
  %y = quant4.matmul %x, %w : tensor<5x4096xf32>, !nested -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

func.func @mx_1(%x: tensor<1x4096xf32>, %raw: tensor<139264xui8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !mx
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !mx -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @mx_5(%x: tensor<5x4096xf32>, %raw: tensor<139264xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !mx
  %y = quant4.matmul %x, %w : tensor<5x4096xf32>, !mx -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

func.func @hf_1(%x: tensor<1x4096xf32>, %raw: tensor<139264xui8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !hf
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !hf -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @hf_5(%x: tensor<5x4096xf32>, %raw: tensor<139264xui8>) -> tensor<5x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !hf
  %y = quant4.matmul %x, %w : tensor<5x4096xf32>, !hf -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}
