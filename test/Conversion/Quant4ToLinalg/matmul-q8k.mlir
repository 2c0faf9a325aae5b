// RUN: q4-opt %s --convert-quant4-to-linalg=int8-activations --canonicalize --cse | FileCheck %s
// RUN: q4-opt %s --convert-quant4-to-linalg=int8-activations --canonicalize --cse | FileCheck %s --check-prefix=REDUCE
// RUN: q4-opt %s --convert-quant4-to-linalg="int8-activations parallel" --canonicalize --cse | FileCheck %s --check-prefix=PAR

// `activations q8_k`: x is rounded to Q8_K by explicit loops over rows and
// blocks (QuantizeQ8K.cpp: each block as eight vector<32xf32>, |x|'s
// maximum, the first index that has it, the int8 codes and their sub-block
// sums by vector ops), then explicit loops (MatmulKernel.h's tiles)
// multiply the Q4_K nibbles with the int8 codes in i32, with float
// accumulators of 8 lanes across the K blocks. No float weight is decoded.

// No horizontal sum inside the matmul's K loop: the only vector.reduction
// ops after the rounding are the four rows' final sums.
// REDUCE-LABEL: func.func @q4_k
// REDUCE:         scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// REDUCE-NOT:     vector.reduction
// REDUCE:         scf.yield %{{.*}} : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
// REDUCE-COUNT-4: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// REDUCE-NOT:     vector.reduction
// REDUCE-LABEL: func.func @batched_f16

// With `parallel`, the rows of the rounding are an scf.forall too.
// PAR-LABEL: func.func @q4_k
// PAR:         scf.forall (%[[R:.*]]) in (4) shared_outs({{.*}}) -> (tensor<4x4xf32>, tensor<4x4x256xi8>, tensor<4x4x8xi32>)
// PAR:           tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[R]], 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<4x4xf32>
// PAR:           tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[R]], 0, 0] [1, 4, 256] [1, 1, 1] : tensor<1x4x256xi8> into tensor<4x4x256xi8>
// PAR:           tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[R]], 0, 0] [1, 4, 8] [1, 1, 1] : tensor<1x4x8xi32> into tensor<4x4x8xi32>
// PAR-LABEL: func.func @batched_f16
// PAR:         scf.forall (%{{.*}}) in (%{{.*}}) shared_outs({{.*}}) -> (tensor<?x1xf32>, tensor<?x1x256xi8>, tensor<?x1x8xi32>)

// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x1024xf32>, %[[W:.*]]: tensor<4608xi8>) -> tensor<4x8xf32>
// The unpacking constants of the Q4_K scales (below), hoisted.
// CHECK-DAG:     %[[SHIFTS:.*]] = arith.constant dense<[0, 0, 0, 4]> : vector<4xi32>
// CHECK-DAG:     %[[LOWMASK:.*]] = arith.constant dense<[63, 63, 63, 63, 63, 63, 63, 63, 15, 15, 15, 15, 15, 15, 15, 15]> : vector<16xi8>
// CHECK-NOT:     tensor<8x512xf32>
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [4, 4, 256]
// Rows, then blocks, on the row's slices of (d, codes, sub-block sums).
// CHECK:         %[[Q8:.*]]:3 = scf.for %[[ROW:.*]] = %c0 to %c4 step %c1 iter_args({{.*}}) -> (tensor<4x4xf32>, tensor<4x4x256xi8>, tensor<4x4x8xi32>)
// CHECK:           scf.for %[[QB:.*]] = %c0 to %c4 step %c1 iter_args(%{{.*}} = %{{.*}}, %[[CODES_ROW:.*]] = %{{.*}}, %[[SUMS_ROW:.*]] = %{{.*}}) -> (tensor<1x4xf32>, tensor<1x4x256xi8>, tensor<1x4x8xi32>)
// |x| of 32 values per vector (the sign bit cleared).
// CHECK:             %[[X0:.*]] = vector.transfer_read %[[XB]][%[[ROW]], %[[QB]], %c0], %{{.*}} {in_bounds = [true]} : tensor<4x4x256xf32>, vector<32xf32>
// CHECK:             %[[X0I:.*]] = arith.bitcast %[[X0]] : vector<32xf32> to vector<32xi32>
// CHECK:             %[[A0I:.*]] = arith.andi %[[X0I]], %{{.*}} : vector<32xi32>
// CHECK:             %[[A0:.*]] = arith.bitcast %[[A0I]] : vector<32xi32> to vector<32xf32>
// CHECK-COUNT-7:     vector.transfer_read %[[XB]]
// The largest |x| (NaN skipped, at least 0), the first index that has it
// (256 where none), and the signed value there.
// CHECK-COUNT-7:     arith.maxnumf %{{.*}}, %{{.*}} : vector<32xf32>
// CHECK:             %[[AMAX:.*]] = vector.reduction <maxnumf>, %{{.*}}, %[[ZERO:.*]] : vector<32xf32> into f32
// CHECK:             %[[AMAXV:.*]] = vector.broadcast %[[AMAX]] : f32 to vector<32xf32>
// CHECK:             %[[HIT:.*]] = arith.cmpf oeq, %[[A0]], %[[AMAXV]] : vector<32xf32>
// CHECK:             arith.select %[[HIT]], %{{.*}}, %{{.*}} : vector<32xi1>, vector<32xi32>
// CHECK-COUNT-7:     arith.minsi %{{.*}}, %{{.*}} : vector<32xi32>
// CHECK:             %[[FIRST:.*]] = vector.reduction <minsi>, %{{.*}} : vector<32xi32> into i32
// CHECK:             %[[CLAMPED:.*]] = arith.minsi %[[FIRST]], %c255_i32 : i32
// CHECK:             %[[AT:.*]] = arith.index_cast %[[CLAMPED]] : i32 to index
// CHECK:             %[[FX:.*]] = tensor.extract %[[XB]][%[[ROW]], %[[QB]], %[[AT]]]
// CHECK:             %[[ISZERO:.*]] = arith.cmpf oeq, %[[AMAX]], %[[ZERO]] : f32
// CHECK:             %[[MAX:.*]] = arith.select %[[ISZERO]], %[[ZERO]], %[[FX]] : f32
// The codes: min(127, nearest_int(-127 / max * x)) by ggml's magic number,
// then their sum per sub-block.
// CHECK:             %[[IS:.*]] = arith.divf %{{.*}}, %[[MAX]] : f32
// CHECK:             %[[ISV:.*]] = vector.broadcast %[[IS]] : f32 to vector<32xf32>
// CHECK:             %[[V:.*]] = arith.mulf %[[ISV]], %[[X0]] : vector<32xf32>
// CHECK:             %[[B:.*]] = arith.addf %[[V]], %{{.*}} : vector<32xf32>
// CHECK:             %[[BITS:.*]] = arith.bitcast %[[B]] : vector<32xf32> to vector<32xi32>
// CHECK:             %[[MANT:.*]] = arith.andi %[[BITS]], %{{.*}} : vector<32xi32>
// CHECK:             %[[QI:.*]] = arith.subi %[[MANT]], %{{.*}} : vector<32xi32>
// CHECK:             %[[QM:.*]] = arith.minsi %[[QI]], %{{.*}} : vector<32xi32>
// CHECK:             %[[QS0:.*]] = arith.select %[[ISZERO]], %{{.*}}, %[[QM]] : vector<32xi32>
// CHECK:             %[[Q0:.*]] = arith.trunci %[[QS0]] : vector<32xi32> to vector<32xi8>
// CHECK:             vector.transfer_write %[[Q0]], %[[CODES_ROW]][%c0, %[[QB]], %c0] {in_bounds = [true]} : vector<32xi8>, tensor<1x4x256xi8>
// CHECK:             %[[Q0W:.*]] = arith.extsi %[[Q0]] : vector<32xi8> to vector<32xi32>
// CHECK:             vector.reduction <add>, %[[Q0W]] : vector<32xi32> into i32
// CHECK-COUNT-7:     vector.reduction <add>, %{{.*}} : vector<32xi32> into i32
// CHECK:             %[[SUMV:.*]] = vector.from_elements %{{.*}} : vector<8xi32>
// CHECK:             vector.transfer_write %[[SUMV]], %[[SUMS_ROW]][%c0, %[[QB]], %c0] {in_bounds = [true]} : vector<8xi32>, tensor<1x4x8xi32>
// d = 1 / iscale, 0 for an all-zero block.
// CHECK:             %[[DQ:.*]] = arith.divf %{{.*}}, %[[IS]] : f32
// CHECK:             %[[DS:.*]] = arith.select %[[ISZERO]], %[[ZERO]], %[[DQ]] : f32
// CHECK:             tensor.insert %[[DS]] into %{{.*}}[%c0, %[[QB]]] : tensor<1x4xf32>
// CHECK-COUNT-3:   tensor.insert_slice
// The block dot products: column tiles, a group of tile-m = 4 rows, then
// one scf.for over the K blocks per column carrying two vector<8xf32>
// accumulators per row; no reduction before the loop ends.
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args(%[[Y:.*]] = %{{.*}}) -> (tensor<4x8xf32>)
// CHECK:           %[[ACCS:.*]]:8 = scf.for %[[KB:.*]] = %c0 to %c4 step %c2 iter_args(%[[A0:[^ ]*]] = %[[Z:[^ ,]*]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %[[M0:[^ ]*]] = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]]) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-NOT:         vector.reduction
// d and dmin: one 4-byte load, two fp16 lanes.
// CHECK:             %[[DB:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4608xi8>, vector<4xi8>
// CHECK:             %[[DH:.*]] = vector.bitcast %[[DB]] : vector<4xi8> to vector<2xf16>
// CHECK:             %[[DD:.*]] = arith.extf %[[DH]] : vector<2xf16> to vector<2xf32>
// Six-bit scales and mins from one 16-byte load of the 12 scale bytes:
// [lowSc | lowM | high | high] >> (0, 0, 0, 4) per 32-bit lane, masked to
// 6 bits (sc[0..3], m[0..3]) and 4 bits (high nibbles), or'ed with the top
// two bits of lowSc and lowM moved to bits 4 and 5.
// CHECK:             %[[SCB:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4608xi8>, vector<16xi8>
// CHECK:             %[[FIELDS:.*]] = vector.shuffle %[[SCB]], %[[SCB]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11]
// CHECK:             %[[FW:.*]] = vector.bitcast %[[FIELDS]] : vector<16xi8> to vector<4xi32>
// CHECK:             %[[FS:.*]] = arith.shrui %[[FW]], %[[SHIFTS]] : vector<4xi32>
// CHECK:             %[[FB:.*]] = vector.bitcast %[[FS]] : vector<4xi32> to vector<16xi8>
// CHECK:             %[[LOW:.*]] = arith.andi %[[FB]], %[[LOWMASK]] : vector<16xi8>
// CHECK:             %[[TOPS:.*]] = vector.shuffle %{{.*}}, %[[SCB]] [0, 0, 0, 0, 0, 0, 0, 0, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK:             %[[T6:.*]] = arith.shrui %[[TOPS]], %{{.*}} : vector<16xi8>
// CHECK:             %[[T4:.*]] = arith.shli %[[T6]], %{{.*}} : vector<16xi8>
// CHECK:             %[[ALL:.*]] = arith.ori %[[LOW]], %[[T4]] : vector<16xi8>
// CHECK:             %[[SCV:.*]] = vector.shuffle %[[ALL]], %[[ALL]] [0, 1, 2, 3, 8, 9, 10, 11]
// CHECK:             %[[SC:.*]] = arith.extui %[[SCV]] : vector<8xi8> to vector<8xi32>
// CHECK:             %[[MV:.*]] = vector.shuffle %[[ALL]], %[[ALL]] [4, 5, 6, 7, 12, 13, 14, 15]
// CHECK:             %[[MINS:.*]] = arith.extui %[[MV]] : vector<8xi8> to vector<8xi32>
// 32 nibbles of a sub-block times 32 int8 codes of x: lanes 4i .. 4i + 3
// added into lane i, times the sub-block's scale.
// CHECK:             %[[QS:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4608xi8>, vector<32xi8>
// CHECK:             %[[NIB:.*]] = arith.andi %[[QS]], %{{.*}} : vector<32xi8>
// CHECK:             %[[XQ:.*]] = vector.transfer_read %[[Q8]]#1[%c0, %[[KB]], %c0], %{{.*}} {in_bounds = [true]} : tensor<4x4x256xi8>, vector<32xi8>
// CHECK-COUNT-7:     vector.transfer_read %[[Q8]]#1[%c0, %[[KB]], %{{.*}}]
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
// CHECK:             %[[XS:.*]] = vector.transfer_read %[[Q8]]#2[%c0, %[[KB]], %c0], %{{.*}} {in_bounds = [true]} : tensor<4x4x8xi32>, vector<8xi32>
// CHECK:             %[[SUMM:.*]] = arith.muli %[[MINS]], %[[XS]] overflow<nsw> : vector<8xi32>
// CHECK:             %[[DX:.*]] = tensor.extract %[[Q8]]#0[%c0, %[[KB]]] : tensor<4x4xf32>
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
// The other three rows share the weight block (no second load of it); the
// loop takes K blocks in pairs, the second one at kb + 1 carrying on from
// the first one's accumulators.
// CHECK-NOT:         vector.transfer_read %[[W]]
// CHECK:             %[[KB1:.*]] = arith.addi %[[KB]], %c1 : index
// CHECK:             vector.transfer_read %[[W]]
// CHECK:             vector.transfer_read %[[Q8]]#1[%c0, %[[KB1]], %c0]
// CHECK:             vector.fma %{{.*}}, %{{.*}}, %[[NEXT]] : vector<8xf32>
// CHECK:             vector.fma %{{.*}}, %{{.*}}, %[[NEXTM]] : vector<8xf32>
// CHECK:             scf.yield
// One horizontal sum per row and column.
// CHECK:           %[[BOTH:.*]] = arith.subf %[[ACCS]]#0, %[[ACCS]]#4 : vector<8xf32>
// CHECK:           %[[YV:.*]] = vector.reduction <add>, %[[BOTH]] fastmath<reassoc> : vector<8xf32> into f32
// CHECK-COUNT-3:   vector.reduction <add>
// CHECK:           tensor.insert %[[YV]] into %{{.*}}[%c0, %{{.*}}] : tensor<4x8xf32>
func.func @q4_k(%x: tensor<4x1024xf32>, %w: !quant4.blocked<8x1024, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w activations q8_k : tensor<4x1024xf32>, !quant4.blocked<8x1024, #quant4.q4_k> -> tensor<4x8xf32>
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
