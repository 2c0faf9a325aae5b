// Input for diagnostics.test: an op that fails its verifier.


func.func @f(%x: tensor<1x512xf32>, %w: !quant4.blocked<4x256, #quant4.q4_k>) -> tensor<1x4xf32> {
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
