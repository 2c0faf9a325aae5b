// RUN: q4-opt %s --convert-quant4-to-linalg="block-sum-loops=true vectorize=true" --canonicalize --cse | FileCheck %s
// RUN: q4-opt %s --convert-quant4-to-linalg="vectorize=true parallel=true tile-m=2 tile-n=4" --canonicalize --cse | FileCheck %s --check-prefix=PAR

// With vectorize (the CPU pipeline's default) matmul becomes explicit loops
// (MatmulKernel.cpp): column tiles, groups of tile-m rows, columns, K
// blocks, one vector accumulator per (row, column) reduced once. Weights
// come from the format's affine split (buildBlockAffine: per-group scales
// and offsets of a whole block; buildVectorCodes: codes as floats); no
// dequantized weight tensor.

// Q4_K, 4 rows: the 8 sub-blocks' d1 and -m1 from one vector<12xi8> read of
// the packed scales; each weight vector w = d1 * q + (-m1) is decoded once
// and feeds one vector.fma per row.
// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x512xf32>, %[[W:.*]]: tensor<2304xi8>) -> tensor<4x8xf32>
// CHECK-NOT:     tensor<8x512xf32>
// CHECK:         %[[Y0:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[Y0]]) -> (tensor<4x8xf32>)
// CHECK:           %[[ACC:.*]]:4 = scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK:             %[[SB:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<12xi8>
// CHECK:             %[[S32:.*]] = arith.extui %[[SB]] : vector<12xi8> to vector<12xi32>
// CHECK-DAG:         vector.shuffle %[[S32]], %[[S32]] [0, 1, 2, 3, 8, 9, 10, 11]
// CHECK-DAG:         vector.shuffle %[[S32]], %[[S32]] [4, 5, 6, 7, 8, 9, 10, 11]
// CHECK:             %[[D1:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:             %[[M1:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:             %[[NM1:.*]] = arith.negf %[[M1]] : vector<8xf32>
// CHECK:             scf.for %[[G:[a-z0-9_]+]] = {{.*}} -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK:               %[[A:.*]] = vector.extract %[[D1]][%[[G]]] : f32 from vector<8xf32>
// CHECK:               %[[AV:.*]] = vector.broadcast %[[A]] : f32 to vector<32xf32>
// CHECK:               %[[B:.*]] = vector.extract %[[NM1]][%[[G]]] : f32 from vector<8xf32>
// CHECK:               %[[BV:.*]] = vector.broadcast %[[B]] : f32 to vector<32xf32>
// CHECK:                 %[[QS:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2304xi8>, vector<32xi8>
// CHECK:                 %[[Q:.*]] = arith.uitofp %{{.*}} : vector<32xi8> to vector<32xf32>
// CHECK:                 %[[AQ:.*]] = arith.mulf %[[AV]], %[[Q]] : vector<32xf32>
// CHECK:                 %[[WV:.*]] = arith.addf %[[AQ]], %[[BV]] : vector<32xf32>
// CHECK:                 %[[X0:.*]] = vector.transfer_read %[[X]][%c0, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4x512xf32>, vector<32xf32>
// CHECK:                 vector.fma %[[X0]], %[[WV]], %{{.*}} : vector<32xf32>
// CHECK:                 %[[X3:.*]] = vector.transfer_read %[[X]][%c3, %{{.*}}]
// CHECK:                 vector.fma %[[X3]], %[[WV]], %{{.*}} : vector<32xf32>
// CHECK:           vector.reduction <add>, %[[ACC]]#0 fastmath<reassoc> : vector<32xf32> into f32
// CHECK:           vector.reduction <add>, %[[ACC]]#3 fastmath<reassoc> : vector<32xf32> into f32
// CHECK:           tensor.insert
// CHECK-NOT:     tensor<8x512xf32>
func.func @q4_k(%x: tensor<4x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<4x8xf32> {
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Q4_K GEMV (every row left over from the row groups): factored per
// sub-block. The group sums of x come first (a [1, 16] tensor.generate of
// 32-value reductions); per sub-block sum(x * q) then one FMA with the
// broadcast d1; -m1 meets the group sums in a vector<8xf32> FMA per block.
// CHECK-LABEL: func.func @q4_k_gemv
// CHECK-SAME:    (%[[X:.*]]: tensor<1x512xf32>, %[[W:.*]]: tensor<2304xi8>)
// CHECK:         %[[XS:.*]] = tensor.generate
// CHECK:           %[[XG:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x512xf32>, vector<32xf32>
// CHECK:           vector.reduction <add>, %[[XG]] fastmath<reassoc> : vector<32xf32> into f32
// CHECK:         } : tensor<1x16xf32>
// CHECK:         scf.for {{.*}} -> (vector<32xf32>, vector<8xf32>)
// CHECK:           %[[NM1:.*]] = arith.negf %{{.*}} : vector<8xf32>
// CHECK:           scf.for {{.*}} -> (vector<32xf32>)
// CHECK:             %[[D1:.*]] = vector.broadcast %{{.*}} : f32 to vector<32xf32>
// CHECK:             %[[Q:.*]] = arith.uitofp %{{.*}} : vector<32xi8> to vector<32xf32>
// CHECK:             %[[XV:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x512xf32>, vector<32xf32>
// CHECK:             %[[DOT:.*]] = arith.mulf %[[XV]], %[[Q]] : vector<32xf32>
// CHECK:             vector.fma %[[D1]], %[[DOT]], %{{.*}} : vector<32xf32>
// CHECK:           %[[XSV:.*]] = vector.transfer_read %[[XS]]{{.*}} : tensor<1x16xf32>, vector<8xf32>
// CHECK:           vector.fma %[[NM1]], %[[XSV]], %{{.*}} : vector<8xf32>
// CHECK:         vector.reduction <add>, %{{.*}} : vector<32xf32> into f32
// CHECK:         vector.reduction <add>, %{{.*}} : vector<8xf32> into f32
func.func @q4_k_gemv(%x: tensor<1x512xf32>, %w: !quant4.blocked<8x512, #quant4.q4_k>) -> tensor<1x8xf32> {
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<8x512, #quant4.q4_k> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// NF4, batch [2, 3] viewed as 6 rows (4 in a row group, 2 factored): 16
// values from 8 bytes, high nibbles first, interleaved with the low ones;
// the 16-entry codebook as a tree of 15 selects; times the absmax (one group
// per block, no offsets); bf16 activations extended as vectors.
// CHECK-LABEL: func.func @nf4_bf16
// CHECK:         %[[XC:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x3x128xbf16> into tensor<6x128xbf16>
// CHECK:         scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<288xi8>, vector<8xi8>
// CHECK:           vector.interleave %{{.*}}, %{{.*}} : vector<8xi8> -> vector<16xi8>
// CHECK-COUNT-15:  arith.select %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:           %[[WV:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:           %[[XH:.*]] = vector.transfer_read %[[XC]]{{.*}} : tensor<6x128xbf16>, vector<16xbf16>
// CHECK:           %[[XF:.*]] = arith.extf %[[XH]] : vector<16xbf16> to vector<16xf32>
// CHECK:           vector.fma %[[XF]], %[[WV]], %{{.*}} : vector<16xf32>
// The two remaining rows, factored: sum(x * code) over the block, then one
// FMA with the broadcast absmax.
// CHECK:         scf.for %{{.*}} = %c4 to %c6
// CHECK:           scf.for {{.*}} -> (vector<16xf32>)
// CHECK:             %[[DOT:.*]] = scf.for {{.*}} -> (vector<16xf32>)
// CHECK:             vector.fma %{{.*}}, %[[DOT]], %{{.*}} : vector<16xf32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
// CHECK:         arith.truncf %{{.*}} : f32 to bf16
func.func @nf4_bf16(%x: tensor<2x3x128xbf16>, %w: !quant4.blocked<4x128, #quant4.nf4>) -> tensor<2x3x4xbf16> {
  %y = quant4.matmul %x, %w : tensor<2x3x128xbf16>, !quant4.blocked<4x128, #quant4.nf4> -> tensor<2x3x4xbf16>
  return %y : tensor<2x3x4xbf16>
}

// MXFP4 hf: 8 bytes whose low and high nibbles are interleaved, E2M1 values
// from the code bits, times the broadcast E8M0 scale.
// CHECK-LABEL: func.func @mxfp4_hf
// CHECK:         scf.for {{.*}} step %c16 {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<136xi8>, vector<8xi8>
// CHECK:           vector.interleave %{{.*}}, %{{.*}} : vector<8xi8> -> vector<16xi8>
// CHECK:           %[[V:.*]] = arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK:           %[[WV:.*]] = arith.mulf %{{.*}}, %[[V]] : vector<16xf32>
// CHECK:           vector.fma %{{.*}}, %[[WV]], %{{.*}} : vector<16xf32>
func.func @mxfp4_hf(%x: tensor<4x64xf32>, %w: !quant4.blocked<4x64, #quant4.mxfp4<layout = hf>>) -> tensor<4x4xf32> {
  %y = quant4.matmul %x, %w : tensor<4x64xf32>, !quant4.blocked<4x64, #quant4.mxfp4<layout = hf>> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// With parallel the column tiles (tile-n = 4 columns) form one scf.forall
// whose tiles go back with parallel_insert_slice; tile-m = 2 gives two
// accumulators per column.
// PAR-LABEL: func.func @q4_k(
// PAR:         %[[Y:.*]] = scf.forall (%[[T:.*]]) in (2) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<4x8xf32>)
// PAR:           %[[TILE:.*]] = tensor.extract_slice %[[O]][0, %{{.*}}] [4, %{{.*}}] [1, 1]
// PAR:           scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>)
// PAR:           scf.forall.in_parallel
// PAR-NEXT:        tensor.parallel_insert_slice %{{.*}} into %[[O]][0, %{{.*}}] [4, %{{.*}}] [1, 1]
