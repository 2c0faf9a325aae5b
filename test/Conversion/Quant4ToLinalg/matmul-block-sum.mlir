// RUN: q4-opt %s --convert-quant4-to-linalg=block-sum-loops=true --canonicalize --cse | FileCheck %s

// With block-sum-loops (the CPU pipeline's choice), matmul becomes a
// linalg.generic over (batch..., M, N, K / blockSize) whose
// body sums one block's products in scf.for loops over decode groups and
// their values, decoding each weight there:
// no dequantized weight tensor exists. x enters as the first value of each
// block (for the loop ranges); the body reads the block from the captured x.

// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, 0)>
// CHECK-DAG: #[[YMAP:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[BXMAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, 0)>
// CHECK-DAG: #[[BYMAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x512xf32>, %[[W:.*]]: tensor<2304xi8>) -> tensor<4x8xf32>
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [4, 2, 256] : tensor<4x512xf32> into tensor<4x2x256xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<4x8xf32>)
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[XMAP]], #[[YMAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[XB]] : tensor<4x2x256xf32>) outs(%[[ACC]] : tensor<4x8xf32>)
// CHECK-SAME:      attrs = {quant4.lowered = "matmul"}
// CHECK-NEXT:    ^bb0(%{{.*}}: f32, %[[OUT:.*]]: f32):
// CHECK:           %[[M:.*]] = linalg.index 0 : index
// CHECK:           %[[N:.*]] = linalg.index 1 : index
// CHECK:           %[[KB:.*]] = linalg.index 2 : index
// CHECK:           %[[NB:.*]] = arith.muli %[[N]], %[[C2]] : index
// CHECK:           %[[BLOCK:.*]] = arith.addi %[[NB]], %[[KB]] : index
// Q4_K decodes in groups of 32 (its sub-blocks): 8 groups of 32 values.
// CHECK:           %[[SUM:.*]] = scf.for %[[G:.*]] = %[[C0]] to %[[C8]] step %[[C1]] iter_args(%[[GS:.*]] = %[[ZERO]]) -> (f32) {
// CHECK:             %[[GSUM:.*]] = scf.for %[[L:.*]] = %[[C0]] to %[[C32]] step %[[C1]] iter_args(%[[S:.*]] = %[[GS]]) -> (f32) {
// CHECK:               %[[G32:.*]] = arith.muli %[[G]], %[[C32]] overflow<nuw> : index
// CHECK:               %[[KI:.*]] = arith.addi %[[G32]], %[[L]] overflow<nuw> : index
// CHECK:               tensor.extract %[[W]]
// CHECK:               %[[WV:.*]] = arith.subf
// CHECK:               %[[XV:.*]] = tensor.extract %[[XB]][%[[M]], %[[KB]], %[[KI]]] : tensor<4x2x256xf32>
// CHECK:               %[[P:.*]] = arith.mulf %[[XV]], %[[WV]] : f32
// CHECK:               %[[NEXT:.*]] = arith.addf %[[S]], %[[P]] : f32
// CHECK:               scf.yield %[[NEXT]] : f32
// CHECK:             }
// CHECK:             scf.yield %[[GSUM]] : f32
// CHECK:           }
// CHECK:           %[[R:.*]] = arith.addf %[[OUT]], %[[SUM]] : f32
// CHECK:           linalg.yield %[[R]] : f32
// CHECK:         return %[[Y]] : tensor<4x8xf32>
func.func @q4_k(%x: tensor<4x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// bf16 activations and result with batch dimensions, accumulated in f32:
// extf in the body, truncf in a second elementwise generic.
// CHECK-LABEL: func.func @bf16_batched
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x64xbf16>, %[[W:.*]]: tensor<136xi8>) -> tensor<2x3x4xbf16>
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 2, 32]
// CHECK:         %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x3x4xf32>)
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[BXMAP]], #[[BYMAP]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK:           %[[XV:.*]] = tensor.extract %[[XB]]
// CHECK:           %[[XF:.*]] = arith.extf %[[XV]] : bf16 to f32
// CHECK:           arith.mulf %[[XF]], %{{.*}} : f32
// CHECK:         } -> tensor<2x3x4xf32>
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[Y]] : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<2x3x4xbf16>)
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:         return %[[R]] : tensor<2x3x4xbf16>
func.func @bf16_batched(%x: tensor<2x3x64xbf16>, %w: !quant4.blocked<4x64, #quant4.mxfp4>) -> tensor<2x3x4xbf16> {
  %y = quant4.matmul %x, %w : tensor<2x3x64xbf16>, !quant4.blocked<4x64, #quant4.mxfp4> -> tensor<2x3x4xbf16>
  return %y : tensor<2x3x4xbf16>
}

// Dynamic rows of activations; an f64 accumulator.
// CHECK-LABEL: func.func @dynamic_m_f64_acc
// CHECK-SAME:    (%[[X:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<72xi8>) -> tensor<?x2xf32>
// CHECK:         %[[M:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x64xf32>
// CHECK:         tensor.empty(%[[M]]) : tensor<?x2xf64>
// CHECK:         linalg.generic
// CHECK:           arith.extf %{{.*}} : f32 to f64
// CHECK:           arith.extf %{{.*}} : f32 to f64
// CHECK:           arith.mulf %{{.*}} : f64
// CHECK:           arith.truncf %{{.*}} : f64 to f32
func.func @dynamic_m_f64_acc(%x: tensor<?x64xf32>, %w: !quant4.blocked<2x64, #quant4.nf4>) -> tensor<?x2xf32> {
  %y = quant4.matmul %x, %w {acc_type = f64} : tensor<?x64xf32>, !quant4.blocked<2x64, #quant4.nf4> -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
