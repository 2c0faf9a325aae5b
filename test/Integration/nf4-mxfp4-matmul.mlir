// Matmuls with NF4 (plain and double-quant) and MXFP4 (both layouts) weights
// against a float64 numpy reference x @ W^T built from the GOLDEN dequantized
// weights (bitsandbytes / ggml / OCP reference), not from q4-run. Tolerance:
// 1e-5 of max|y| (f32 accumulation over K = 4096).
//
// RUN: %q4npy random %t.x.npy 8,4096 1234
// RUN: %q4npy random %t.xh.npy 2,3,4096 99 --dtype f16
//
// RUN: %q4npy raw %t.nf4.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.absmax.f32
// RUN: q4-run %s --entry nf4 --input %t.x.npy --input %t.nf4.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x.npy %golden/nf4/nf4_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// RUN: %q4npy raw %t.nested.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.nested.qabsmax.u8 %golden/nf4/nf4_gauss_64x4096.nested.absmax2.f32 %golden/nf4/nf4_gauss_64x4096.nested.offset.f32
// RUN: q4-run %s --entry nf4_nested --input %t.x.npy --input %t.nested.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x.npy %golden/nf4/nf4_gauss_64x4096.nested.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// MXFP4, ggml layout, f16 activations with a batch dimension:
// RUN: %q4npy raw %t.mx.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.mxfp4
// RUN: q4-run %s --entry mxfp4_f16 --input %t.xh.npy --input %t.mx.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.xh.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// MXFP4, hf layout:
// RUN: %q4npy raw %t.hf.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_scales.u8
// RUN: q4-run %s --entry mxfp4_hf --input %t.x.npy --input %t.hf.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.dequant.f32 64 4096
// RUN: %q4npy close %t.y.npy %t.ref.npy 1e-5
//
// The check is able to fail: the nf4 result against the mxfp4 reference.
// RUN: q4-run %s --entry nf4 --input %t.x.npy --input %t.nf4.npy --output %t.y.npy
// RUN: %q4npy matmul-ref %t.ref.npy %t.x.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: not %q4npy close %t.y.npy %t.ref.npy 1e-5

!nf4 = !quant4.blocked<64x4096, #quant4.nf4>
!nested = !quant4.blocked<64x4096, #quant4.nf4<double_quant = true>>
!mxfp4 = !quant4.blocked<64x4096, #quant4.mxfp4>
!hf = !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>

func.func @nf4(%x: tensor<8x4096xf32>, %raw: tensor<147456xui8>) -> tensor<8x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !nf4
  %y = quant4.matmul %x, %w : tensor<8x4096xf32>, !nf4 -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

func.func @nf4_nested(%x: tensor<8x4096xf32>, %raw: tensor<135236xui8>) -> tensor<8x64xf32> {
  %w = quant4.from_bytes %raw : tensor<135236xui8> -> !nested
  %y = quant4.matmul %x, %w : tensor<8x4096xf32>, !nested -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

func.func @mxfp4_f16(%x: tensor<2x3x4096xf16>, %raw: tensor<139264xui8>) -> tensor<2x3x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !mxfp4
  %y = quant4.matmul %x, %w : tensor<2x3x4096xf16>, !mxfp4 -> tensor<2x3x64xf32>
  return %y : tensor<2x3x64xf32>
}

func.func @mxfp4_hf(%x: tensor<8x4096xf32>, %raw: tensor<139264xui8>) -> tensor<8x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !hf
  %y = quant4.matmul %x, %w : tensor<8x4096xf32>, !hf -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
