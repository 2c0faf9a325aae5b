// Quantizing activations or freshly trained weights in the IR: MXFP4 offers
// three rounding rules (ggml's reference, the OCP spec's round-to-nearest-even,
// and the per-block optimal scale); Q4_K and NF4 have one algorithm each.
func.func @requantize(%x: tensor<64x4096xf32>) -> (!quant4.blocked<64x4096, #quant4.mxfp4>, !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>, !quant4.blocked<64x4096, #quant4.q4_k>, !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>) {
  %a = quant4.quantize %x rule ggml : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.mxfp4>
  %b = quant4.quantize %x rule optimal : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>
  %c = quant4.quantize %x : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.q4_k>
  %d = quant4.quantize %x : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>
  return %a, %b, %c, %d : !quant4.blocked<64x4096, #quant4.mxfp4>, !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>, !quant4.blocked<64x4096, #quant4.q4_k>, !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>
}
