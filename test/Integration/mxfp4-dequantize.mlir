// Dequantize golden MXFP4 blocks in both layouts and compare the float32 bits
// with ggml's dequantize_row_mxfp4 (ggml layout) and the OCP reference (hf
// layout, including -0 codes).
//
// ggml layout (17-byte blocks), E8M0 byte 0 (subnormal 2^-127 scale):
// RUN: %q4npy raw %t.g.npy %golden/mxfp4/mxfp4_min_scale_256.ggml.mxfp4
// RUN: q4-run %s --entry ggml_short --input %t.g.npy --output %t.g.out.npy
// RUN: %q4npy exact %t.g.out.npy %golden/mxfp4/mxfp4_min_scale_256.ggml.dequant.f32
// RUN: %q4npy raw %t.g.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.mxfp4
// RUN: q4-run %s --entry ggml_matrix --input %t.g.npy --output %t.g.out.npy
// RUN: %q4npy exact %t.g.out.npy %golden/mxfp4/mxfp4_gauss_64x4096.ggml.dequant.f32
//
// hf layout (blocks plane, then scales plane):
// RUN: %q4npy raw %t.h.npy %golden/mxfp4/mxfp4_min_scale_256.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_min_scale_256.ocp_rne.hf_scales.u8
// RUN: q4-run %s --entry hf_short --input %t.h.npy --output %t.h.out.npy
// RUN: %q4npy exact %t.h.out.npy %golden/mxfp4/mxfp4_min_scale_256.ocp_rne.dequant.f32
// RUN: %q4npy raw %t.h.npy %golden/mxfp4/mxfp4_huge_range_4096.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_huge_range_4096.ocp_rne.hf_scales.u8
// RUN: q4-run %s --entry hf_row --input %t.h.npy --output %t.h.out.npy
// RUN: %q4npy exact %t.h.out.npy %golden/mxfp4/mxfp4_huge_range_4096.ocp_rne.dequant.f32
// RUN: %q4npy raw %t.h.npy %golden/mxfp4/mxfp4_near_pow2_2048.ggml.hf_blocks.u8 %golden/mxfp4/mxfp4_near_pow2_2048.ggml.hf_scales.u8
// RUN: q4-run %s --entry hf_2048 --input %t.h.npy --output %t.h.out.npy
// RUN: %q4npy exact %t.h.out.npy %golden/mxfp4/mxfp4_near_pow2_2048.ggml.dequant.f32

!ggml_short = !quant4.blocked<1x256, #quant4.mxfp4>
!ggml_matrix = !quant4.blocked<64x4096, #quant4.mxfp4>
!hf_short = !quant4.blocked<1x256, #quant4.mxfp4<layout = hf>>
!hf_row = !quant4.blocked<1x4096, #quant4.mxfp4<layout = hf>>
!hf_2048 = !quant4.blocked<1x2048, #quant4.mxfp4<layout = hf>>

func.func @ggml_short(%raw: tensor<136xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<136xui8> -> !ggml_short
  %y = quant4.dequantize %w : !ggml_short -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @ggml_matrix(%raw: tensor<139264xui8>) -> tensor<64x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<139264xui8> -> !ggml_matrix
  %y = quant4.dequantize %w : !ggml_matrix -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}

func.func @hf_short(%raw: tensor<136xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<136xui8> -> !hf_short
  %y = quant4.dequantize %w : !hf_short -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @hf_row(%raw: tensor<2176xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<2176xui8> -> !hf_row
  %y = quant4.dequantize %w : !hf_row -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

func.func @hf_2048(%raw: tensor<1088xui8>) -> tensor<1x2048xf32> {
  %w = quant4.from_bytes %raw : tensor<1088xui8> -> !hf_2048
  %y = quant4.dequantize %w : !hf_2048 -> tensor<1x2048xf32>
  return %y : tensor<1x2048xf32>
}
