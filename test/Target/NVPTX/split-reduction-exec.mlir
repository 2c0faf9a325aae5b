// The split-K rewrite computes the same matmul: run it on the CPU (q4-run)
// after --quant4-gpu-split-reduction and compare with a float64 reference
// built from the golden dequantized weights (ggml / bitsandbytes).
//
// RUN: q4-opt %s --convert-quant4-to-linalg --quant4-gpu-split-reduction -o %t.mlir
// RUN: %q4npy random %t.x1.npy 1,4096 7
// RUN: %q4npy random %t.x16.npy 16,4096 8
// RUN: %q4npy raw %t.nf4.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.absmax.f32
// RUN: q4-run %t.mlir --entry nf4 --input %t.x1.npy --input %t.nf4.npy --output %t.y1.npy
// RUN: %q4npy matmul-ref %t.r1.npy %t.x1.npy %golden/nf4/nf4_gauss_64x4096.dequant.f32 64 4096
// RUN: %q4npy close %t.y1.npy %t.r1.npy 1e-5
// RUN: %q4npy raw %t.mx.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.mxfp4
// RUN: q4-run %t.mlir --entry mxfp4 --input %t.x16.npy --input %t.mx.npy --output %t.y16.npy
// RUN: %q4npy matmul-ref %t.r16.npy %t.x16.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: %q4npy close %t.y16.npy %t.r16.npy 1e-5
// The comparison can fail: the nf4 result against the mxfp4 weights.
// RUN: %q4npy matmul-ref %t.bad.npy %t.x1.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32 64 4096
// RUN: not %q4npy close %t.y1.npy %t.bad.npy 1e-5

!nf4 = !quant4.blocked<64x4096, #quant4.nf4>
!mx = !quant4.blocked<64x4096, #quant4.mxfp4>

func.func @nf4(%x: tensor<1x4096xf32>, %raw: tensor<147456xui8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !nf4
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !nf4 -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

func.func @mxfp4(%x: tensor<16x4096xf32>, %raw: tensor<139264xui8>) -> tensor<16x64xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !mx
  %y = quant4.matmul %x, %w : tensor<16x4096xf32>, !mx -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}
