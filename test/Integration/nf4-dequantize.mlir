// Dequantize golden NF4 storage (codes plane, then the absmax plane(s)) and
// compare the float32 bits with bitsandbytes' dequantizeBlockwise4bitCpu.
//
// RUN: %q4npy raw %t.w.npy %golden/nf4/nf4_gauss_4096.nf4.u8 %golden/nf4/nf4_gauss_4096.absmax.f32
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/nf4/nf4_gauss_4096.dequant.f32
// RUN: %q4npy raw %t.w.npy %golden/nf4/nf4_huge_range_4096.nf4.u8 %golden/nf4/nf4_huge_range_4096.absmax.f32
// RUN: q4-run %s --entry row --input %t.w.npy --output %t.y.npy
// RUN: %q4npy exact %t.y.npy %golden/nf4/nf4_huge_range_4096.dequant.f32
//
// Subnormal absmax:
// RUN: %q4npy raw %t.s.npy %golden/nf4/nf4_subnormal_256.nf4.u8 %golden/nf4/nf4_subnormal_256.absmax.f32
// RUN: q4-run %s --entry short --input %t.s.npy --output %t.s.out.npy
// RUN: %q4npy exact %t.s.out.npy %golden/nf4/nf4_subnormal_256.dequant.f32
//
// block_size = 128:
// RUN: %q4npy raw %t.b.npy %golden/nf4/nf4_gauss_4096_bs128.nf4.u8 %golden/nf4/nf4_gauss_4096_bs128.absmax.f32
// RUN: q4-run %s --entry bs128 --input %t.b.npy --output %t.b.out.npy
// RUN: %q4npy exact %t.b.out.npy %golden/nf4/nf4_gauss_4096_bs128.dequant.f32
//
// Double quantization: codes, qabsmax, absmax2, offset.
// RUN: %q4npy raw %t.d.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.nested.qabsmax.u8 %golden/nf4/nf4_gauss_64x4096.nested.absmax2.f32 %golden/nf4/nf4_gauss_64x4096.nested.offset.f32
// RUN: q4-run %s --entry nested --input %t.d.npy --output %t.d.out.npy
// RUN: %q4npy exact %t.d.out.npy %golden/nf4/nf4_gauss_64x4096.nested.dequant.f32

!row = !quant4.blocked<1x4096, #quant4.nf4>
!short = !quant4.blocked<1x256, #quant4.nf4>
!bs128 = !quant4.blocked<1x4096, #quant4.nf4<block_size = 128>>
!nested = !quant4.blocked<64x4096, #quant4.nf4<double_quant = true>>

func.func @row(%raw: tensor<2304xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<2304xui8> -> !row
  %y = quant4.dequantize %w : !row -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

func.func @short(%raw: tensor<144xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<144xui8> -> !short
  %y = quant4.dequantize %w : !short -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @bs128(%raw: tensor<2176xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<2176xui8> -> !bs128
  %y = quant4.dequantize %w : !bs128 -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

func.func @nested(%raw: tensor<135236xui8>) -> tensor<64x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<135236xui8> -> !nested
  %y = quant4.dequantize %w : !nested -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}
