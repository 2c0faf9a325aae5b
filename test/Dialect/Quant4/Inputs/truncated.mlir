// Input for diagnostics.test: the file ends inside an op.
func.func @f(%x: tensor<1x256xf32>) {
  %q = quant4.quantize %x : tensor<1x256xf32> -> !quant4.blocked<1x
