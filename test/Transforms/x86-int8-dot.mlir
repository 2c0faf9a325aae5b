// RUN: q4-opt %s --quant4-x86-int8-dot | FileCheck %s

// The scaled int8 dot idiom of the Q8_K lowering (MatmulQ8.cpp): per
// sub-block, the products of 32 4-bit codes and 32 int8 codes, lanes
// 4i .. 4i + 3 added into lane i (four strided shuffles), times the
// sub-block's scale broadcast from a zero-extended i8 vector. It becomes
// vpmaddubsw + vpmaddwd with the scale broadcast to i16 lanes: one vpshufb
// of the eight i8 scales repeated in both 128-bit halves, whose mask puts
// scale j in the low byte of every word and zeroes the high byte (-128); the
// sum over sub-blocks stays an arith.addi of the vector<8xi32> results.

// CHECK-LABEL: func.func @scaled_dots
// CHECK-SAME:    (%[[Q0:.*]]: vector<32xi8>, %[[Q1:.*]]: vector<32xi8>, %[[X0:.*]]: vector<32xi8>, %[[X1:.*]]: vector<32xi8>, %[[SC:.*]]: vector<8xi8>)
// Byte masks: scale 5 and scale 0 as the low byte of each word.
// CHECK-DAG:     %[[MASK5:.*]] = arith.constant dense<[5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128, 5, -128]> : vector<32xi8>
// CHECK-DAG:     %[[MASK0:.*]] = arith.constant dense<[0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128, 0, -128]> : vector<32xi8>
// CHECK-DAG:     %[[W0:.*]] = arith.andi %[[Q0]]
// CHECK-DAG:     %[[W1:.*]] = arith.andi %[[Q1]]
// CHECK-NOT:     arith.extui
// CHECK:         %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[W0]], %[[X0]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// CHECK:         %[[R0:.*]] = vector.shuffle %[[SC]], %[[SC]] [0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0] : vector<8xi8>, vector<8xi8>
// CHECK:         %[[SB0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%[[R0]], %[[MASK0]])
// CHECK:         %[[B0:.*]] = vector.bitcast %[[SB0]] : vector<32xi8> to vector<16xi16>
// CHECK:         %[[M0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P0]], %[[B0]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK:         %[[P1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[W1]], %[[X1]])
// CHECK:         %[[R1:.*]] = vector.shuffle %[[SC]], %[[SC]]
// CHECK:         %[[SB1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%[[R1]], %[[MASK5]])
// CHECK:         %[[B1:.*]] = vector.bitcast %[[SB1]] : vector<32xi8> to vector<16xi16>
// CHECK:         %[[M1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P1]], %[[B1]])
// CHECK:         %[[A:.*]] = arith.addi %[[M0]], %[[M1]] overflow<nsw> : vector<8xi32>
// CHECK-NOT:     vector.reduction
// CHECK:         return %[[A]]
func.func @scaled_dots(%q0: vector<32xi8>, %q1: vector<32xi8>, %x0: vector<32xi8>, %x1: vector<32xi8>, %sc: vector<8xi8>) -> vector<8xi32> {
  %c15 = arith.constant dense<15> : vector<32xi8>
  %w0 = arith.andi %q0, %c15 : vector<32xi8>
  %w1 = arith.andi %q1, %c15 : vector<32xi8>
  %s = arith.extui %sc : vector<8xi8> to vector<8xi32>
  %e0 = arith.extui %w0 : vector<32xi8> to vector<32xi32>
  %f0 = arith.extsi %x0 : vector<32xi8> to vector<32xi32>
  %p0 = arith.muli %e0, %f0 overflow<nsw> : vector<32xi32>
  %a0 = vector.shuffle %p0, %p0 [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %b0 = vector.shuffle %p0, %p0 [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %c0 = vector.shuffle %p0, %p0 [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %d0 = vector.shuffle %p0, %p0 [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %ab0 = arith.addi %a0, %b0 overflow<nsw> : vector<8xi32>
  %abc0 = arith.addi %ab0, %c0 overflow<nsw> : vector<8xi32>
  %q4_0 = arith.addi %abc0, %d0 overflow<nsw> : vector<8xi32>
  %s0 = vector.shuffle %s, %s [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xi32>, vector<8xi32>
  %m0 = arith.muli %q4_0, %s0 overflow<nsw> : vector<8xi32>
  // The same for sub-block 5, with the shuffles in another order and the
  // additions as a tree.
  %e1 = arith.extui %w1 : vector<32xi8> to vector<32xi32>
  %f1 = arith.extsi %x1 : vector<32xi8> to vector<32xi32>
  %p1 = arith.muli %e1, %f1 overflow<nsw> : vector<32xi32>
  %d1 = vector.shuffle %p1, %p1 [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %a1 = vector.shuffle %p1, %p1 [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %c1 = vector.shuffle %p1, %p1 [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %b1 = vector.shuffle %p1, %p1 [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %da1 = arith.addi %d1, %a1 overflow<nsw> : vector<8xi32>
  %cb1 = arith.addi %c1, %b1 overflow<nsw> : vector<8xi32>
  %q4_1 = arith.addi %da1, %cb1 overflow<nsw> : vector<8xi32>
  %s1 = vector.shuffle %s, %s [5, 5, 5, 5, 5, 5, 5, 5] : vector<8xi32>, vector<8xi32>
  %m1 = arith.muli %q4_1, %s1 overflow<nsw> : vector<8xi32>
  %sum = arith.addi %m0, %m1 overflow<nsw> : vector<8xi32>
  return %sum : vector<8xi32>
}

// Weights that may exceed 127 could saturate vpmaddubsw: left alone.
// CHECK-LABEL: func.func @wide_weights
// CHECK-NOT:     llvm.call_intrinsic
// CHECK:         arith.muli %{{.*}}, %{{.*}} overflow<nsw> : vector<8xi32>
func.func @wide_weights(%w: vector<32xi8>, %x: vector<32xi8>, %sc: vector<8xi8>) -> vector<8xi32> {
  %s = arith.extui %sc : vector<8xi8> to vector<8xi32>
  %e = arith.extui %w : vector<32xi8> to vector<32xi32>
  %f = arith.extsi %x : vector<32xi8> to vector<32xi32>
  %p = arith.muli %e, %f overflow<nsw> : vector<32xi32>
  %a = vector.shuffle %p, %p [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %b = vector.shuffle %p, %p [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %c = vector.shuffle %p, %p [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %d = vector.shuffle %p, %p [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %ab = arith.addi %a, %b overflow<nsw> : vector<8xi32>
  %abc = arith.addi %ab, %c overflow<nsw> : vector<8xi32>
  %q = arith.addi %abc, %d overflow<nsw> : vector<8xi32>
  %s0 = vector.shuffle %s, %s [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xi32>, vector<8xi32>
  %m = arith.muli %q, %s0 overflow<nsw> : vector<8xi32>
  return %m : vector<8xi32>
}

// Lanes that are not four consecutive products (here 4i, 4i + 1 twice and
// 4i + 3) are not vpmaddwd's: left alone.
// CHECK-LABEL: func.func @not_quads
// CHECK-NOT:     llvm.call_intrinsic
func.func @not_quads(%q: vector<32xi8>, %x: vector<32xi8>, %sc: vector<8xi8>) -> vector<8xi32> {
  %c15 = arith.constant dense<15> : vector<32xi8>
  %w = arith.andi %q, %c15 : vector<32xi8>
  %s = arith.extui %sc : vector<8xi8> to vector<8xi32>
  %e = arith.extui %w : vector<32xi8> to vector<32xi32>
  %f = arith.extsi %x : vector<32xi8> to vector<32xi32>
  %p = arith.muli %e, %f overflow<nsw> : vector<32xi32>
  %a = vector.shuffle %p, %p [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %b = vector.shuffle %p, %p [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %d = vector.shuffle %p, %p [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %ab = arith.addi %a, %b overflow<nsw> : vector<8xi32>
  %abb = arith.addi %ab, %b overflow<nsw> : vector<8xi32>
  %q4 = arith.addi %abb, %d overflow<nsw> : vector<8xi32>
  %s0 = vector.shuffle %s, %s [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xi32>, vector<8xi32>
  %m = arith.muli %q4, %s0 overflow<nsw> : vector<8xi32>
  return %m : vector<8xi32>
}

// More than 16 scales do not fit a 128-bit half: scale 20 is zero-extended
// to i16 and broadcast by a vector.shuffle.
// CHECK-LABEL: func.func @many_scales
// CHECK-SAME:    %[[SC:[^:]*]]: vector<32xi8>)
// CHECK:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// CHECK:         %[[S16:.*]] = arith.extui %[[SC]] : vector<32xi8> to vector<32xi16>
// CHECK:         %[[B:.*]] = vector.shuffle %[[S16]], %[[S16]] [20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20] : vector<32xi16>, vector<32xi16>
// CHECK-NOT:     llvm.x86.avx2.pshuf.b
// CHECK:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%{{.*}}, %[[B]])
func.func @many_scales(%q: vector<32xi8>, %x: vector<32xi8>, %sc: vector<32xi8>) -> vector<8xi32> {
  %c15 = arith.constant dense<15> : vector<32xi8>
  %w = arith.andi %q, %c15 : vector<32xi8>
  %s = arith.extui %sc : vector<32xi8> to vector<32xi32>
  %e = arith.extui %w : vector<32xi8> to vector<32xi32>
  %f = arith.extsi %x : vector<32xi8> to vector<32xi32>
  %p = arith.muli %e, %f overflow<nsw> : vector<32xi32>
  %a = vector.shuffle %p, %p [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %b = vector.shuffle %p, %p [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %c = vector.shuffle %p, %p [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %d = vector.shuffle %p, %p [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %ab = arith.addi %a, %b overflow<nsw> : vector<8xi32>
  %abc = arith.addi %ab, %c overflow<nsw> : vector<8xi32>
  %q4 = arith.addi %abc, %d overflow<nsw> : vector<8xi32>
  %s0 = vector.shuffle %s, %s [20, 20, 20, 20, 20, 20, 20, 20] : vector<32xi32>, vector<32xi32>
  %m = arith.muli %q4, %s0 overflow<nsw> : vector<8xi32>
  return %m : vector<8xi32>
}
