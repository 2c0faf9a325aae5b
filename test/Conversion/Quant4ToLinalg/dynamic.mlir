// RUN: q4-opt %s --convert-quant4-to-linalg --canonicalize --cse | FileCheck %s

// Dynamic sizes come from from_bytes...
// CHECK-LABEL: func.func @from_bytes_rows
// CHECK-SAME:    (%[[RAW:.*]]: tensor<?xi8>, %[[ROWS:.*]]: index) -> tensor<?x256xf32>
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         %[[NB:.*]] = arith.muli %[[ROWS]], %[[C4]] : index
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x256xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      outs(%[[EMPTY]] : tensor<?x256xf32>)
// The qabsmax plane starts after rows * 4 blocks of 32 code bytes, the
// absmax2 plane after one more byte per block.
// CHECK:           %[[CODES:.*]] = arith.muli %[[ROWS]], %[[C128]] : index
// CHECK:           %[[Q:.*]] = arith.addi %[[CODES]], %{{.*}} : index
// CHECK:           tensor.extract %[[RAW]][%[[Q]]] : tensor<?xi8>
// CHECK:           arith.addi %[[CODES]], %[[NB]] : index
func.func @from_bytes_rows(%raw: tensor<?xi8>, %rows: index) -> tensor<?x256xf32> {
  %w = quant4.from_bytes %raw [%rows] : tensor<?xi8> -> !quant4.blocked<?x256, #quant4.nf4<double_quant = true>>
  %y = quant4.dequantize %w : !quant4.blocked<?x256, #quant4.nf4<double_quant = true>> -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// ...or, for layouts with a fixed number of bytes per block, from the
// storage size: rows = bytes / (2 blocks * 144 bytes).
// CHECK-LABEL: func.func @storage_rows
// CHECK-SAME:    (%[[W:.*]]: tensor<?xi8>, %[[X:.*]]: tensor<3x512xf32>) -> tensor<3x?xf32>
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C288:.*]] = arith.constant 288 : index
// CHECK:         %[[BYTES:.*]] = tensor.dim %[[W]], %[[C0]] : tensor<?xi8>
// CHECK:         %[[N:.*]] = arith.divui %[[BYTES]], %[[C288]] : index
// CHECK:         tensor.empty(%[[N]]) : tensor<3x?xf32>
// CHECK:         linalg.generic
func.func @storage_rows(%w: !quant4.blocked<?x512, #quant4.q4_k>, %x: tensor<3x512xf32>) -> tensor<3x?xf32> {
  %y = quant4.matmul %x, %w : tensor<3x512xf32>, !quant4.blocked<?x512, #quant4.q4_k> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}
