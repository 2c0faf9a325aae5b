// RUN: q4-opt %s --convert-quant4-to-linalg --quant4-tile-blocks="tile-m=4 tile-n=16 tile-k-blocks=1" --canonicalize --cse | FileCheck %s
// RUN: q4-opt %s --convert-quant4-to-linalg=block-sum-loops=true --quant4-tile-blocks="tile-m=4 tile-n=16 tile-k-blocks=1" --canonicalize --cse | FileCheck %s --check-prefix=SUM
// RUN: q4-opt %s --convert-quant4-to-linalg --quant4-tile-blocks="tile-m=4 tile-n=16 tile-k-blocks=1 parallel=true" --canonicalize --cse | FileCheck %s --check-prefix=PAR

// Matmuls are tiled over M, N and whole K blocks; the within-block loop
// stays whole, so a tile never splits a block.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<8x512xf32>, %[[W:.*]]: tensor<9216xi8>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]]
// CHECK:         scf.for %[[M:.*]] = %[[C0]] to %{{.*}} step %[[C4]]
// CHECK:           scf.for %[[N:.*]] = %[[C0]] to %{{.*}} step %[[C16]]
// CHECK:             scf.for %[[KB:.*]] = %[[C0]] to %[[C2]] step %[[C1]]
// CHECK:               %[[XT:.*]] = tensor.extract_slice %[[XB]][%[[M]], %[[KB]], 0] [4, 1, 256] [1, 1, 1] : tensor<8x2x256xf32> to tensor<4x1x256xf32>
// CHECK:               %[[YT:.*]] = tensor.extract_slice %{{.*}}[%[[M]], %[[N]]] [4, 16] [1, 1] : tensor<8x32xf32> to tensor<4x16xf32>
// CHECK:               linalg.generic
// CHECK-SAME:            ins(%[[XT]] : tensor<4x1x256xf32>) outs(%[[YT]] : tensor<4x16xf32>)
// CHECK:                 tensor.extract %[[W]]
// CHECK:               tensor.insert_slice
// parallel=true: one scf.forall over (M, N) tiles, K blocks in an scf.for.
// PAR-LABEL: func.func @matmul
// PAR:         scf.forall (%[[M:.*]], %[[N:.*]]) = (0, 0) to (8, 32) step (4, 16)
// PAR:           scf.for %[[KB:.*]] = %{{.*}} to %c2 step %c1
// PAR:             linalg.generic
// PAR-SAME:          outs(%{{.*}} : tensor<4x16xf32>)
// PAR:           scf.forall.in_parallel
// PAR-LABEL: func.func @dequantize
// PAR:         scf.forall (%{{.*}}) in (4)

// The block-sum form (no within-block loop) tiles the same way.
// SUM-LABEL: func.func @matmul
// SUM:         scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c4
// SUM:           scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %c16
// SUM:             scf.for %[[KB:.*]] = %{{.*}} to %c2 step %c1
// SUM:               linalg.generic
// SUM-SAME:            iterator_types = ["parallel", "parallel", "reduction"]
// SUM-SAME:            outs(%{{.*}} : tensor<4x16xf32>)
// SUM:                 scf.for %{{.*}} = %{{.*}} to %c8 step %c1
// SUM:                   scf.for %{{.*}} = %{{.*}} to %c32 step %c1
func.func @matmul(%x: tensor<8x512xf32>, %w: !quant4.blocked<32x512, #quant4.q4_k>) -> tensor<8x32xf32> {
  %y = quant4.matmul %x, %w : tensor<8x512xf32>, !quant4.blocked<32x512, #quant4.q4_k> -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}

// Dequantize: one row at a time, whole rows.
// CHECK-LABEL: func.func @dequantize
// CHECK:         scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}})
// CHECK:           tensor.extract_slice %[[ACC]][%[[R]], 0] [1, 64] [1, 1] : tensor<4x64xf32> to tensor<1x64xf32>
// CHECK:           linalg.generic
func.func @dequantize(%w: !quant4.blocked<4x64, #quant4.mxfp4>) -> tensor<4x64xf32> {
  %y = quant4.dequantize %w : !quant4.blocked<4x64, #quant4.mxfp4> -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
