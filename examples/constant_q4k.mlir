// One Q4_K block held in the IR as a dense_resource blob: the 144 bytes ggml's
// quantize_row_q4_K_ref makes of 256 N(0,1) values (golden case
// q4k_gauss_256). to_bytes of a constant folds to the same bytes, and dead
// views disappear under -canonicalize.
func.func @block() -> (tensor<1x256xf32>, tensor<144xui8>) {
  %w = quant4.constant dense_resource<q4k_gauss_256> : tensor<144xui8> : !quant4.blocked<1x256, #quant4.q4_k>
  %x = quant4.dequantize %w : !quant4.blocked<1x256, #quant4.q4_k> -> tensor<1x256xf32>
  %b = quant4.to_bytes %w : !quant4.blocked<1x256, #quant4.q4_k> -> tensor<144xui8>
  %v = quant4.from_bytes %b : tensor<144xui8> -> !quant4.blocked<1x256, #quant4.q4_k>
  %unused = quant4.dequantize %v : !quant4.blocked<1x256, #quant4.q4_k> -> tensor<1x256xf16>
  return %x, %b : tensor<1x256xf32>, tensor<144xui8>
}

{-#
  dialect_resources: {
    builtin: {
      q4k_gauss_256: "0x010000008F1D832AEEE5B1BFE89C627F9DA9FAFC56407677E4673DA67D081D6A3C2F68F38B2AEBA84CE5BFE127D9DAA6999FF5AC3CC9A7A8F6B79EB0978AA788797DBAACD1CCC6EAD399A3B4D2789B99C7549504C96A4848DD8C8D885F778988D8766D453426396450CA4E713668E9B90A9B7819C96B956B556595A7FB38476CEF62C7150A8A2E60C70A275A0C91D7144807C768"
    }
  }
#-}
