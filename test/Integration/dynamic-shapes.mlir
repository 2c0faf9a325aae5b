// Blocked tensors with a dynamic number of rows: sizes come from from_bytes
// (nf4 double quant, whose plane offsets then need ceil-divisions at run
// time) or, for a function argument in a layout with a fixed number of bytes
// per block, from the storage size (q4_k, mxfp4 hf). The static entry points
// call private dynamic functions, so the dynamic lowering is what runs.
//
// RUN: %q4npy raw %t.d.npy %golden/nf4/nf4_gauss_64x4096.nf4.u8 %golden/nf4/nf4_gauss_64x4096.nested.qabsmax.u8 %golden/nf4/nf4_gauss_64x4096.nested.absmax2.f32 %golden/nf4/nf4_gauss_64x4096.nested.offset.f32
// RUN: q4-run %s --entry nested --input %t.d.npy --output %t.d.out.npy
// RUN: %q4npy exact %t.d.out.npy %golden/nf4/nf4_gauss_64x4096.nested.dequant.f32
//
// RUN: %q4npy raw %t.h.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_scales.u8
// RUN: q4-run %s --entry hf --input %t.h.npy --output %t.h.out.npy
// RUN: %q4npy exact %t.h.out.npy %golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.dequant.f32
//
// RUN: %q4npy raw %t.x.npy --dtype f32 --shape 1,4096 %golden/q4k/gemv_x_4096.f32
// RUN: %q4npy raw %t.w.npy %golden/q4k/gemv_W_4096x4096.q4k
// RUN: q4-run %s --entry gemv --input %t.x.npy --input %t.w.npy --output %t.y.npy
// RUN: %q4npy close %t.y.npy %golden/q4k/gemv_y_ref_f64_4096.f64 1e-5

!nested = !quant4.blocked<?x4096, #quant4.nf4<double_quant = true>>
!hf = !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>>
!q4k = !quant4.blocked<?x4096, #quant4.q4_k>

func.func private @dequantize_nested(%raw: tensor<?xui8>, %rows: index) -> tensor<?x4096xf32> {
  %w = quant4.from_bytes %raw [%rows] : tensor<?xui8> -> !nested
  %y = quant4.dequantize %w : !nested -> tensor<?x4096xf32>
  return %y : tensor<?x4096xf32>
}

func.func @nested(%raw: tensor<135236xui8>) -> tensor<64x4096xf32> {
  %dyn = tensor.cast %raw : tensor<135236xui8> to tensor<?xui8>
  %rows = arith.constant 64 : index
  %y = call @dequantize_nested(%dyn, %rows) : (tensor<?xui8>, index) -> tensor<?x4096xf32>
  %s = tensor.cast %y : tensor<?x4096xf32> to tensor<64x4096xf32>
  return %s : tensor<64x4096xf32>
}

func.func private @dequantize_hf(%w: !hf) -> tensor<?x4096xf32> {
  %y = quant4.dequantize %w : !hf -> tensor<?x4096xf32>
  return %y : tensor<?x4096xf32>
}

func.func @hf(%raw: tensor<139264xui8>) -> tensor<64x4096xf32> {
  %dyn = tensor.cast %raw : tensor<139264xui8> to tensor<?xui8>
  %rows = arith.constant 64 : index
  %w = quant4.from_bytes %dyn [%rows] : tensor<?xui8> -> !hf
  %y = call @dequantize_hf(%w) : (!hf) -> tensor<?x4096xf32>
  %s = tensor.cast %y : tensor<?x4096xf32> to tensor<64x4096xf32>
  return %s : tensor<64x4096xf32>
}

func.func private @matmul_q4k(%x: tensor<1x4096xf32>, %w: !q4k) -> tensor<1x?xf32> {
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !q4k -> tensor<1x?xf32>
  return %y : tensor<1x?xf32>
}

func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<9437184xui8>) -> tensor<1x4096xf32> {
  %dyn = tensor.cast %raw : tensor<9437184xui8> to tensor<?xui8>
  %rows = arith.constant 4096 : index
  %w = quant4.from_bytes %dyn [%rows] : tensor<?xui8> -> !q4k
  %y = call @matmul_q4k(%x, %w) : (tensor<1x4096xf32>, !q4k) -> tensor<1x?xf32>
  %s = tensor.cast %y : tensor<1x?xf32> to tensor<1x4096xf32>
  return %s : tensor<1x4096xf32>
}
