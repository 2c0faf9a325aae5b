// RUN: q4-opt %s --convert-quant4-to-linalg=int8-activations --canonicalize --cse | FileCheck %s

// `activations q8_k`: x is rounded to Q8_K by three linalg.generics (the
// block's largest |x| and its signed value; the int8 codes; the scale d =
// 1 / iscale) and one reduction (the sums of each 32-value sub-block's
// codes), then one reduction iteration per (m, n, K-block) multiplies the
// Q4_K nibbles with the int8 codes in i32. No float weight is decoded.

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
// The block dot products: loops (M, N, KB), d_x as the input.
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[D]] : tensor<4x2xf32>)
// CHECK-SAME:      attrs = {quant4.lowered = "matmul"}
// CHECK:         ^bb0(%[[DX:.*]]: f32, %[[ACC:.*]]: f32):
// Six-bit scales and mins from the 12 scale bytes, as vectors.
// CHECK-DAG:       %[[LOSC:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<4xi8>
// CHECK-DAG:       %[[SC:.*]] = arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// 32 nibbles of a sub-block times 32 int8 codes of x, summed in i32.
// CHECK:           %[[QS:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<32xi8>
// CHECK:           %[[NIB:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<32xi8>
// CHECK:           %[[XQ:.*]] = vector.transfer_read %[[CODES]][%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4x2x256xi8>, vector<32xi8>
// CHECK:           %[[WIDE_W:.*]] = arith.extui %[[NIB]] : vector<32xi8> to vector<32xi32>
// CHECK:           %[[WIDE_X:.*]] = arith.extsi %[[XQ]] : vector<32xi8> to vector<32xi32>
// CHECK:           %[[PROD:.*]] = arith.muli %[[WIDE_W]], %[[WIDE_X]] overflow<nsw> : vector<32xi32>
// CHECK:           vector.reduction <add>, %[[PROD]] : vector<32xi32> into i32
// CHECK-COUNT-7:   vector.reduction <add>, %{{.*}} : vector<32xi32> into i32
// sumi = sum_j sc_j * dot_j, summ = sum_j m_j * s_j, then one float step.
// CHECK:           %[[DOTS:.*]] = vector.from_elements {{.*}} : vector<8xi32>
// CHECK:           %[[SCALED:.*]] = arith.muli %[[DOTS]], %[[SC]] overflow<nsw> : vector<8xi32>
// CHECK:           %[[SUMI:.*]] = vector.reduction <add>, %[[SCALED]] : vector<8xi32> into i32
// CHECK:           %[[XS:.*]] = vector.transfer_read %[[SUMS]][%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4x2x8xi32>, vector<8xi32>
// CHECK:           %[[SUMM:.*]] = vector.reduction <add>
// CHECK:           %[[DD:.*]] = arith.mulf %{{.*}}, %[[DX]] : f32
// CHECK:           %[[T1:.*]] = arith.mulf %[[DD]], %{{.*}} : f32
// CHECK:           %[[DM:.*]] = arith.mulf %{{.*}}, %[[DX]] : f32
// CHECK:           %[[T2:.*]] = arith.mulf %[[DM]], %{{.*}} : f32
// CHECK:           %[[BS:.*]] = arith.subf %[[T1]], %[[T2]] : f32
// CHECK:           %[[NEW:.*]] = arith.addf %[[ACC]], %[[BS]] : f32
// CHECK:           linalg.yield %[[NEW]] : f32
func.func @q4_k(%x: tensor<4x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w activations q8_k : tensor<4x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Batched f16 activations with a dynamic M: extended to f32 before rounding.
// CHECK-LABEL: func.func @batched_f16
// CHECK:         tensor.expand_shape %{{.*}} output_shape [2, %{{.*}}, 1, 256] : tensor<2x?x256xf16> into tensor<2x?x1x256xf16>
// CHECK:         arith.extf %{{.*}} : f16 to f32
// CHECK:         attrs = {quant4.lowered = "matmul"}
// CHECK:         arith.truncf %{{.*}} : f32 to f16
func.func @batched_f16(%x: tensor<2x?x256xf16>, %w: !quant4.blocked<3x256, #quant4.q4_k>) -> tensor<2x?x3xf16> {
  %y = quant4.matmul %x, %w activations q8_k : tensor<2x?x256xf16>, !quant4.blocked<3x256, #quant4.q4_k> -> tensor<2x?x3xf16>
  return %y : tensor<2x?x3xf16>
}
