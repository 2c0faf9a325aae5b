// RUN: q4-opt %s --quant4-x86-int8-dot | FileCheck %s

// The scaled int8 dot idiom of the Q8_K lowering (MatmulQ8.cpp) becomes
// vpmaddubsw + vpmaddwd with the scale broadcast to i16 lanes, one vector
// accumulator and a single reduction.

// CHECK-LABEL: func.func @scaled_dots
// CHECK-SAME:    (%[[Q0:.*]]: vector<32xi8>, %[[Q1:.*]]: vector<32xi8>, %[[X0:.*]]: vector<32xi8>, %[[X1:.*]]: vector<32xi8>, %[[SC:.*]]: vector<2xi8>)
// CHECK-DAG:     %[[W0:.*]] = arith.andi %[[Q0]]
// CHECK-DAG:     %[[W1:.*]] = arith.andi %[[Q1]]
// CHECK-DAG:     %[[S16:.*]] = arith.extui %[[SC]] : vector<2xi8> to vector<2xi16>
// CHECK:         %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[W0]], %[[X0]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// CHECK:         %[[B0:.*]] = vector.shuffle %[[S16]], %[[S16]] [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// CHECK:         %[[M0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P0]], %[[B0]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK:         %[[P1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[W1]], %[[X1]])
// CHECK:         %[[B1:.*]] = vector.shuffle %[[S16]], %[[S16]] [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
// CHECK:         %[[M1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P1]], %[[B1]])
// CHECK:         %[[A1:.*]] = arith.addi %[[M0]], %[[M1]] : vector<8xi32>
// CHECK:         %[[R:.*]] = vector.reduction <add>, %[[A1]] : vector<8xi32> into i32
// CHECK:         return %[[R]]
func.func @scaled_dots(%q0: vector<32xi8>, %q1: vector<32xi8>, %x0: vector<32xi8>, %x1: vector<32xi8>, %sc: vector<2xi8>) -> i32 {
  %c15 = arith.constant dense<15> : vector<32xi8>
  %w0 = arith.andi %q0, %c15 : vector<32xi8>
  %w1 = arith.andi %q1, %c15 : vector<32xi8>
  %e0 = arith.extui %w0 : vector<32xi8> to vector<32xi32>
  %f0 = arith.extsi %x0 : vector<32xi8> to vector<32xi32>
  %p0 = arith.muli %e0, %f0 overflow<nsw> : vector<32xi32>
  %r0 = vector.reduction <add>, %p0 : vector<32xi32> into i32
  %e1 = arith.extui %w1 : vector<32xi8> to vector<32xi32>
  %f1 = arith.extsi %x1 : vector<32xi8> to vector<32xi32>
  %p1 = arith.muli %e1, %f1 overflow<nsw> : vector<32xi32>
  %r1 = vector.reduction <add>, %p1 : vector<32xi32> into i32
  %v = vector.from_elements %r0, %r1 : vector<2xi32>
  %s = arith.extui %sc : vector<2xi8> to vector<2xi32>
  %m = arith.muli %v, %s overflow<nsw> : vector<2xi32>
  %sum = vector.reduction <add>, %m : vector<2xi32> into i32
  return %sum : i32
}

// Weights that may exceed 127 could saturate vpmaddubsw: left alone.
// CHECK-LABEL: func.func @wide_weights
// CHECK-NOT:     llvm.call_intrinsic
// CHECK:         vector.reduction <add>, %{{.*}} : vector<32xi32> into i32
func.func @wide_weights(%w0: vector<32xi8>, %x0: vector<32xi8>, %sc: vector<1xi8>) -> i32 {
  %e0 = arith.extui %w0 : vector<32xi8> to vector<32xi32>
  %f0 = arith.extsi %x0 : vector<32xi8> to vector<32xi32>
  %p0 = arith.muli %e0, %f0 overflow<nsw> : vector<32xi32>
  %r0 = vector.reduction <add>, %p0 : vector<32xi32> into i32
  %v = vector.from_elements %r0 : vector<1xi32>
  %s = arith.extui %sc : vector<1xi8> to vector<1xi32>
  %m = arith.muli %v, %s overflow<nsw> : vector<1xi32>
  %sum = vector.reduction <add>, %m : vector<1xi32> into i32
  return %sum : i32
}
