// quant4-gpu-gemv rejects knob values it cannot build, with the matmul's
// location where the value depends on its format.
//
// RUN: not q4-opt %s --quant4-gpu-gemv=unit-values=12 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VALUES
// RUN: not q4-opt %s --quant4-gpu-gemv=unit-values=64 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MXFP4
// RUN: not q4-opt %s --quant4-gpu-gemv=unit-lanes=3 2>&1 \
// RUN:   | FileCheck %s --check-prefix=LANES
// RUN: not q4-opt %s --quant4-gpu-gemv=unit-lanes=64 2>&1 \
// RUN:   | FileCheck %s --check-prefix=LANES64
// RUN: not q4-nvptx %s -o %t --gemv-unit-values=7 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VALUES7

// VALUES: :[[@LINE+7]]:8: error: quant4-gpu-gemv: unit-values=12 is not a unit size of #quant4.q4_k's GEMV decoder (one of 64, 32, 16, 8)
// MXFP4: :[[@LINE+12]]:8: error: quant4-gpu-gemv: unit-values=64 is not a unit size of #quant4.mxfp4's GEMV decoder (one of 32, 8, 16)
// LANES: error: quant4-gpu-gemv: unit-lanes=3 must be a power of two from 1 to 32 (or 0, the default)
// LANES64: error: quant4-gpu-gemv: unit-lanes=64 must be a power of two
// VALUES7: error: quant4-gpu-gemv: unit-values=7 is not a unit size
func.func @q4k(%x: tensor<1x512xf32>, %raw: tensor<288xi8>) -> tensor<1x1xf32> {
  %w = quant4.from_bytes %raw : tensor<288xi8> -> !quant4.blocked<1x512, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<1x512, #quant4.q4_k> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

func.func @mxfp4(%x: tensor<1x512xf32>, %raw: tensor<272xi8>) -> tensor<1x1xf32> {
  %w = quant4.from_bytes %raw : tensor<272xi8> -> !quant4.blocked<1x512, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<1x512, #quant4.mxfp4> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
