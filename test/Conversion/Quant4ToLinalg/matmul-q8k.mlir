// RUN: q4-opt %s --convert-quant4-to-linalg=int8-activations --canonicalize --cse | FileCheck %s
// RUN: q4-opt %s --convert-quant4-to-linalg=int8-activations --canonicalize --cse | FileCheck %s --check-prefix=REDUCE

// `activations q8_k`: x is rounded to Q8_K by three linalg.generics (the
// block's largest |x| and its signed value; the int8 codes; the scale d =
// 1 / iscale) and one reduction (the sums of each 32-value sub-block's
// codes), then explicit loops (MatmulKernel.h's tiles) multiply the Q4_K
// nibbles with the int8 codes in i32, with float accumulators of 8 lanes
// across the K blocks. No float weight is decoded.

// No horizontal sum inside the K loop: the only vector.reduction ops are
// the four rows' final sums after it.
// REDUCE-LABEL: func.func @q4_k
// REDUCE-NOT:     vector.reduction
// REDUCE:         scf.yield %{{.*}} : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
// REDUCE-COUNT-4: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// REDUCE-NOT:     vector.reduction
// REDUCE-LABEL: func.func @batched_f16

// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x512xf32>, %[[W:.*]]: tensor<2304xi8>) -> tensor<4x8xf32>
// CHECK-NOT:     tensor<8x512xf32>
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [4, 2, 256]
// The max search: a reduction over the 256 values of each block.
// CHECK:         %[[SEARCH:.*]]:2 = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[XB]] : tensor<4x2x256xf32>) outs(%{{.*}}, %{{.*}} : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK:           arith.andi %{{.*}}, %{{.*}} : i32
// CHECK:           %[[GT:.*]] = arith.cmpf ogt
// CHECK:           arith.select %[[GT]]
// CHECK:           arith.select %[[GT]]
// The codes: min(127, nearest_int(-127 / max * x)) by ggml's magic number.
// CHECK:         %[[CODES:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[XB]], %[[SEARCH]]#1 : tensor<4x2x256xf32>, tensor<4x2xf32>) outs(%{{.*}} : tensor<4x2x256xi8>)
// CHECK:           %[[IS:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:           %[[V:.*]] = arith.mulf %[[IS]], %{{.*}} : f32
// CHECK:           %[[B:.*]] = arith.addf %[[V]], %{{.*}} : f32
// CHECK:           %[[BITS:.*]] = arith.bitcast %[[B]] : f32 to i32
// CHECK:           %[[MANT:.*]] = arith.andi %[[BITS]], %{{.*}} : i32
// CHECK:           %[[Q:.*]] = arith.subi %[[MANT]], %{{.*}} : i32
// CHECK:           arith.minsi %[[Q]], %{{.*}} : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK:         %[[D:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[SEARCH]]#1 : tensor<4x2xf32>) outs(%{{.*}} : tensor<4x2xf32>)
// CHECK:         %[[SUB:.*]] = tensor.expand_shape %[[CODES]] {{\[}}[0], [1], [2, 3]] output_shape [4, 2, 8, 32]
// CHECK:         %[[SUMS:.*]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[SUB]] : tensor<4x2x8x32xi8>) outs(%{{.*}} : tensor<4x2x8xi32>)
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// The block dot products: column tiles, a group of tile-m = 4 rows, then
// one scf.for over the K blocks per column carrying two vector<8xf32>
// accumulators per row; no reduction before the loop ends.
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args(%[[Y:.*]] = %{{.*}}) -> (tensor<4x8xf32>)
// CHECK:           %[[ACCS:.*]]:8 = scf.for %[[KB:.*]] = %c0 to %c2 step %c1 iter_args(%[[A0:[^ ]*]] = %[[Z:[^ ,]*]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %[[M0:[^ ]*]] = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]]) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-NOT:         vector.reduction
// d and dmin: one 4-byte load, two fp16 lanes.
// CHECK:             %[[DB:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<4xi8>
// CHECK:             %[[DH:.*]] = vector.bitcast %[[DB]] : vector<4xi8> to vector<2xf16>
// CHECK:             %[[DD:.*]] = arith.extf %[[DH]] : vector<2xf16> to vector<2xf32>
// Six-bit scales and mins from the 12 scale bytes, as vectors.
// CHECK:             %[[SC:.*]] = arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// CHECK:             %[[MINS:.*]] = arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// 32 nibbles of a sub-block times 32 int8 codes of x: lanes 4i .. 4i + 3
// added into lane i, times the sub-block's scale.
// CHECK:             %[[QS:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<32xi8>
// CHECK:             %[[NIB:.*]] = arith.andi %[[QS]], %{{.*}} : vector<32xi8>
// CHECK:             %[[XQ:.*]] = vector.transfer_read %[[CODES]][%c0, %[[KB]], %c0], %{{.*}} {in_bounds = [true]} : tensor<4x2x256xi8>, vector<32xi8>
// CHECK-COUNT-7:     vector.transfer_read %[[CODES]][%c0, %[[KB]], %{{.*}}]
// CHECK:             %[[WIDE_W:.*]] = arith.extui %[[NIB]] : vector<32xi8> to vector<32xi32>
// CHECK:             %[[WIDE_X:.*]] = arith.extsi %[[XQ]] : vector<32xi8> to vector<32xi32>
// CHECK:             %[[PROD:.*]] = arith.muli %[[WIDE_W]], %[[WIDE_X]] overflow<nsw> : vector<32xi32>
// CHECK:             %[[L0:.*]] = vector.shuffle %[[PROD]], %[[PROD]] [0, 4, 8, 12, 16, 20, 24, 28]
// CHECK:             %[[L1:.*]] = vector.shuffle %[[PROD]], %[[PROD]] [1, 5, 9, 13, 17, 21, 25, 29]
// CHECK:             %[[L01:.*]] = arith.addi %[[L0]], %[[L1]] overflow<nsw> : vector<8xi32>
// CHECK:             %[[L2:.*]] = vector.shuffle %[[PROD]], %[[PROD]] [2, 6, 10, 14, 18, 22, 26, 30]
// CHECK:             %[[L012:.*]] = arith.addi %[[L01]], %[[L2]] overflow<nsw> : vector<8xi32>
// CHECK:             %[[L3:.*]] = vector.shuffle %[[PROD]], %[[PROD]] [3, 7, 11, 15, 19, 23, 27, 31]
// CHECK:             %[[QUAD:.*]] = arith.addi %[[L012]], %[[L3]] overflow<nsw> : vector<8xi32>
// CHECK:             %[[S0:.*]] = vector.shuffle %[[SC]], %[[SC]] [0, 0, 0, 0, 0, 0, 0, 0]
// CHECK:             arith.muli %[[QUAD]], %[[S0]] overflow<nsw> : vector<8xi32>
// CHECK-COUNT-7:     vector.shuffle %[[SC]], %[[SC]]
// The mins times x's sub-block sums, then one FMA per accumulator with
// d_w * d_x and dmin_w * d_x.
// CHECK:             %[[XS:.*]] = vector.transfer_read %[[SUMS]][%c0, %[[KB]], %c0], %{{.*}} {in_bounds = [true]} : tensor<4x2x8xi32>, vector<8xi32>
// CHECK:             %[[SUMM:.*]] = arith.muli %[[MINS]], %[[XS]] overflow<nsw> : vector<8xi32>
// CHECK:             %[[DX:.*]] = tensor.extract %[[D]][%c0, %[[KB]]] : tensor<4x2xf32>
// CHECK:             %[[DXV:.*]] = vector.broadcast %[[DX]] : f32 to vector<2xf32>
// CHECK:             %[[SCALED:.*]] = arith.mulf %[[DD]], %[[DXV]] : vector<2xf32>
// CHECK:             %[[DA:.*]] = vector.extract %[[SCALED]][0]
// CHECK:             %[[DAV:.*]] = vector.broadcast %[[DA]] : f32 to vector<8xf32>
// CHECK:             %[[SUMIF:.*]] = arith.sitofp %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK:             %[[NEXT:.*]] = vector.fma %[[DAV]], %[[SUMIF]], %[[A0]] : vector<8xf32>
// CHECK:             %[[DM:.*]] = vector.extract %[[SCALED]][1]
// CHECK:             %[[DMV:.*]] = vector.broadcast %[[DM]] : f32 to vector<8xf32>
// CHECK:             %[[SUMMF:.*]] = arith.sitofp %[[SUMM]] : vector<8xi32> to vector<8xf32>
// CHECK:             %[[NEXTM:.*]] = vector.fma %[[DMV]], %[[SUMMF]], %[[M0]] : vector<8xf32>
// The other three rows share the weight block (no second load of it).
// CHECK-NOT:         vector.transfer_read %[[W]]
// CHECK:             scf.yield %[[NEXT]], %{{.*}}, %{{.*}}, %{{.*}}, %[[NEXTM]], %{{.*}}, %{{.*}}, %{{.*}} :
// One horizontal sum per row and column.
// CHECK:           %[[BOTH:.*]] = arith.subf %[[ACCS]]#0, %[[ACCS]]#4 : vector<8xf32>
// CHECK:           %[[YV:.*]] = vector.reduction <add>, %[[BOTH]] fastmath<reassoc> : vector<8xf32> into f32
// CHECK-COUNT-3:   vector.reduction <add>
// CHECK:           tensor.insert %[[YV]] into %{{.*}}[%c0, %{{.*}}] : tensor<4x8xf32>
func.func @q4_k(%x: tensor<4x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w activations q8_k : tensor<4x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Batched f16 activations with a dynamic M: extended to f32 before rounding.
// CHECK-LABEL: func.func @batched_f16
// CHECK:         tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x?x256xf16> into tensor<?x256xf16>
// CHECK:         tensor.expand_shape %{{.*}} output_shape [%{{.*}}, 1, 256] : tensor<?x256xf16> into tensor<?x1x256xf16>
// CHECK:         arith.extf %{{.*}} : f16 to f32
// CHECK:         scf.for
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, %{{.*}}, 3] : tensor<?x3xf32> into tensor<2x?x3xf32>
// CHECK:         arith.truncf %{{.*}} : f32 to f16
func.func @batched_f16(%x: tensor<2x?x256xf16>, %w: !quant4.blocked<3x256, #quant4.q4_k>) -> tensor<2x?x3xf16> {
  %y = quant4.matmul %x, %w activations q8_k : tensor<2x?x256xf16>, !quant4.blocked<3x256, #quant4.q4_k> -> tensor<2x?x3xf16>
  return %y : tensor<2x?x3xf16>
}
