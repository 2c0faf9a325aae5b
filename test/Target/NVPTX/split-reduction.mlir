// quant4-gpu-split-reduction spreads the values of each block over lanes:
// partial sums [M, N, L] and a sum into the original output.
//
// RUN: q4-opt %s --convert-quant4-to-linalg --quant4-gpu-split-reduction \
// RUN:   | FileCheck %s
// RUN: q4-opt %s --convert-quant4-to-linalg \
// RUN:   --quant4-gpu-split-reduction=lanes=4 | FileCheck %s --check-prefix=L4

!q = !quant4.blocked<256x512, #quant4.q4_k>

// CHECK-LABEL: func.func @gemv(
// CHECK:         %[[XB:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] {{.*}} : tensor<1x512xf32> into tensor<1x2x256xf32>
// The block's 256 values become 8 groups x 32 lanes.
// CHECK:         %[[XL:.*]] = tensor.expand_shape %[[XB]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 2, 8, 32]
// CHECK:         %[[P0:.*]] = linalg.fill {{.*}} -> tensor<1x256x32xf32>
// CHECK:         %[[P:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[XL]] : tensor<1x2x8x32xf32>) outs(%[[P0]] : tensor<1x256x32xf32>)
// CHECK-DAG:       %[[LANE:.*]] = linalg.index 2 : index
// CHECK-DAG:       %[[GROUP:.*]] = linalg.index 4 : index
// CHECK:           %[[G32:.*]] = arith.muli %[[GROUP]], %{{.*}}
// CHECK:           arith.addi %[[G32]], %[[LANE]]
// CHECK:         %[[Y0:.*]] = linalg.fill {{.*}} -> tensor<1x256xf32>
// CHECK-NEXT:    %[[Y:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]] : tensor<1x256x32xf32>) outs(%[[Y0]] : tensor<1x256xf32>)
// CHECK:           arith.addf
// CHECK:         return %[[Y]]

// At M = 4: 32 / 4 = 8 lanes, or the minimum of 8 when lanes=4.
// CHECK-LABEL: func.func @gemm(
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<4x256x8xf32>)
// L4-LABEL: func.func @gemm(
// L4:           linalg.generic {{.*}} outs(%{{.*}} : tensor<4x256x8xf32>)

// Not a reduction: dequantize is left alone.
// CHECK-LABEL: func.func @dequant(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]}
// CHECK-NOT:     linalg.generic

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<73728xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @gemm(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !q -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

func.func @dequant(%raw: tensor<73728xi8>) -> tensor<256x512xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.dequantize %w : !q -> tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
