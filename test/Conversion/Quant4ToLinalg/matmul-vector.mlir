// RUN: q4-opt %s --convert-quant4-to-linalg="block-sum-loops=true vectorize=true" --canonicalize --cse | FileCheck %s

// With vectorize (the CPU pipeline's default), each block's products are
// summed in vectors: the format's buildVectorDecode gives the weights of
// getDecodeVectorWidth consecutive values, x is read with a
// vector.transfer_read, lanes accumulate with vector.fma and one
// reassociating vector.reduction per block adds to the accumulator. Still no
// dequantized weight tensor.

// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x512xf32>, %[[W:.*]]: tensor<2304xi8>) -> tensor<4x8xf32>
// CHECK-NOT:     tensor<8x512xf32>
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]]
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      attrs = {quant4.lowered = "matmul"}
// CHECK:           %[[M:.*]] = linalg.index 0 : index
// CHECK:           %[[KB:.*]] = linalg.index 2 : index
// Q4_K: one iteration per 32-value sub-block (group = vector width).
// CHECK:           %[[LANES:.*]] = scf.for %[[G:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<32xf32>) {
// CHECK:             %[[KI:.*]] = arith.muli %[[G]], %{{.*}} overflow<nuw> : index
// Scales and mins stay scalar (one per sub-block).
// CHECK:             tensor.extract %[[W]]
// CHECK:             %[[D1:.*]] = arith.mulf %{{.*}} : f32
// CHECK:             %[[M1:.*]] = arith.mulf %{{.*}} : f32
// 32 codes in one load, one nibble shift for all of them.
// CHECK:             %[[QS:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<32xi8>
// CHECK:             %[[SH:.*]] = arith.shrui %[[QS]], %{{.*}} : vector<32xi8>
// CHECK:             %[[Q:.*]] = arith.andi %[[SH]], %{{.*}} : vector<32xi8>
// CHECK:             %[[QF:.*]] = arith.uitofp %[[Q]] : vector<32xi8> to vector<32xf32>
// The same float operations as the scalar decode: y = d1 * q - m1.
// CHECK:             %[[D1V:.*]] = vector.broadcast %[[D1]] : f32 to vector<32xf32>
// CHECK:             %[[DQ:.*]] = arith.mulf %[[D1V]], %[[QF]] : vector<32xf32>
// CHECK:             %[[M1V:.*]] = vector.broadcast %[[M1]] : f32 to vector<32xf32>
// CHECK:             %[[Y:.*]] = arith.subf %[[DQ]], %[[M1V]] : vector<32xf32>
// CHECK:             %[[XV:.*]] = vector.transfer_read %[[XB]][%[[M]], %[[KB]], %[[KI]]], %{{.*}} {in_bounds = [true]} : tensor<4x2x256xf32>, vector<32xf32>
// CHECK:             %[[NEXT:.*]] = vector.fma %[[XV]], %[[Y]], %[[ACC]] : vector<32xf32>
// CHECK:             scf.yield %[[NEXT]] : vector<32xf32>
// CHECK:           }
// CHECK:           %[[SUM:.*]] = vector.reduction <add>, %[[LANES]] fastmath<reassoc> : vector<32xf32> into f32
// CHECK:           arith.addf %{{.*}}, %[[SUM]] : f32
// CHECK-NOT:     tensor<8x512xf32>
func.func @q4_k(%x: tensor<4x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// NF4 decodes 16 values from 8 bytes: high nibbles first, interleaved with
// the low ones; the 16-entry codebook is a tree of 15 selects on the code
// bits, times the broadcast absmax; bf16 activations are extended as a
// vector. (One group per block: the loop over groups folds away.)
// CHECK-LABEL: func.func @nf4_bf16
// CHECK:         linalg.generic
// CHECK:             scf.for {{.*}} step %c16 {{.*}} -> (vector<16xf32>) {
// CHECK:               %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<288xi8>, vector<8xi8>
// CHECK:               %[[HI:.*]] = arith.shrui %[[B]]
// CHECK:               %[[C:.*]] = vector.interleave %{{.*}}, %{{.*}} : vector<8xi8> -> vector<16xi8>
// CHECK-COUNT-15:      arith.select %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:               %[[A:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK:               %[[WV:.*]] = arith.mulf %{{.*}}, %[[A]] : vector<16xf32>
// CHECK:               %[[XH:.*]] = vector.transfer_read {{.*}} : tensor<2x3x2x64xbf16>, vector<16xbf16>
// CHECK:               %[[XF:.*]] = arith.extf %[[XH]] : vector<16xbf16> to vector<16xf32>
// CHECK:               vector.fma %[[XF]], %[[WV]], %{{.*}} : vector<16xf32>
// CHECK:           vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
func.func @nf4_bf16(%x: tensor<2x3x128xbf16>, %w: !quant4.blocked<4x128, #quant4.nf4>) -> tensor<2x3x4xbf16> {
  %y = quant4.matmul %x, %w : tensor<2x3x128xbf16>, !quant4.blocked<4x128, #quant4.nf4> -> tensor<2x3x4xbf16>
  return %y : tensor<2x3x4xbf16>
}

// MXFP4 decodes 16 values at once: in the hf layout 8 bytes whose low and
// high nibbles are interleaved (a vector.shuffle, canonicalized to
// vector.interleave); E2M1 values from the code bits, times the broadcast
// E8M0 scale.
// CHECK-LABEL: func.func @mxfp4_hf
// CHECK:         linalg.generic
// CHECK:             scf.for {{.*}} step %c16 {{.*}} -> (vector<16xf32>) {
// CHECK:               %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<136xi8>, vector<8xi8>
// CHECK:               %[[C:.*]] = vector.interleave %{{.*}}, %{{.*}} : vector<8xi8> -> vector<16xi8>
// CHECK:               %[[V:.*]] = arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK:               %[[S:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK:               %[[W:.*]] = arith.mulf %[[V]], %[[S]] : vector<16xf32>
// CHECK:               vector.fma %{{.*}}, %[[W]], %{{.*}} : vector<16xf32>
func.func @mxfp4_hf(%x: tensor<4x64xf32>, %w: !quant4.blocked<4x64, #quant4.mxfp4<layout = hf>>) -> tensor<4x4xf32> {
  %y = quant4.matmul %x, %w : tensor<4x64xf32>, !quant4.blocked<4x64, #quant4.mxfp4<layout = hf>> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
