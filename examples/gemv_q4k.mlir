// A decode-step GEMV with Q4_K weights handed over at run time as raw bytes
// (the ggml block_q4_K array of a 4096x4096 weight, 9437184 bytes), as
// llama.cpp stores them in a GGUF file. y = x * W^T.
func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<9437184xui8>) -> tensor<1x4096xf32> {
  %w = quant4.from_bytes %raw : tensor<9437184xui8> -> !quant4.blocked<4096x4096, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !quant4.blocked<4096x4096, #quant4.q4_k> -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}
