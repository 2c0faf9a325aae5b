// RUN: q4-opt %s --convert-quant4-to-linalg --canonicalize --cse | FileCheck %s

// dequantize becomes an elementwise linalg.generic that reads the storage
// bytes with tensor.extract and decodes them with arith ops.

// Q4_K: fp16 d and dmin, 6-bit scale/min, y = (d * sc) * q - dmin * m.
// CHECK-LABEL: func.func @q4_k
// CHECK-SAME:    (%[[RAW:.*]]: tensor<288xi8>) -> tensor<2x256xf32>
// CHECK-DAG:     %[[C144:.*]] = arith.constant 144 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      outs(%{{.*}} : tensor<2x256xf32>)
// CHECK-SAME:      attrs = {quant4.lowered = "dequantize"}
// CHECK:           %[[ROW:.*]] = linalg.index 0 : index
// CHECK:           %[[K:.*]] = linalg.index 1 : index
// CHECK:           %[[KB:.*]] = arith.divui %[[K]], %[[C256]] : index
// CHECK:           %[[BLOCK:.*]] = arith.addi %[[ROW]], %[[KB]] : index
// CHECK:           %[[BASE:.*]] = arith.muli %[[BLOCK]], %[[C144]] : index
// CHECK:           tensor.extract %[[RAW]][%[[BASE]]] : tensor<288xi8>
// CHECK:           %[[DH:.*]] = arith.bitcast %{{.*}} : i16 to f16
// CHECK:           %[[D:.*]] = arith.extf %[[DH]] : f16 to f32
// CHECK:           %[[MH:.*]] = arith.bitcast %{{.*}} : i16 to f16
// CHECK:           %[[DMIN:.*]] = arith.extf %[[MH]] : f16 to f32
// CHECK:           %[[SC:.*]] = arith.select
// CHECK:           %[[M:.*]] = arith.select
// CHECK:           %[[SCF:.*]] = arith.uitofp %[[SC]] : i32 to f32
// CHECK:           %[[D1:.*]] = arith.mulf %[[D]], %[[SCF]] : f32
// CHECK:           %[[MF:.*]] = arith.uitofp %[[M]] : i32 to f32
// CHECK:           %[[M1:.*]] = arith.mulf %[[DMIN]], %[[MF]] : f32
// CHECK:           %[[QF:.*]] = arith.uitofp %{{.*}} : i32 to f32
// CHECK:           %[[DQ:.*]] = arith.mulf %[[D1]], %[[QF]] : f32
// CHECK:           %[[Y:.*]] = arith.subf %[[DQ]], %[[M1]] : f32
// CHECK:           linalg.yield %[[Y]] : f32
func.func @q4_k(%w: !quant4.blocked<2x256, #quant4.q4_k>) -> tensor<2x256xf32> {
  %y = quant4.dequantize %w : !quant4.blocked<2x256, #quant4.q4_k> -> tensor<2x256xf32>
  return %y : tensor<2x256xf32>
}

// NF4: codebook[nibble] * absmax (f32 plane after the 64 code bytes), high
// nibble first; a bf16 result is the f32 value rounded.
// CHECK-LABEL: func.func @nf4
// CHECK-SAME:    (%[[RAW:.*]]: tensor<72xi8>) -> tensor<1x128xbf16>
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : i32
// CHECK-DAG:     %[[CODEBOOK:.*]] = arith.constant dense<[-1.000000e+00, -0.6961928, {{.*}}, 1.000000e+00]> : tensor<16xf32>
// CHECK-DAG:     %[[ABSMAX_PLANE:.*]] = arith.constant 64 : index
// CHECK:         linalg.generic
// CHECK:           %[[ODD:.*]] = arith.index_castui %{{.*}} : index to i32
// CHECK:           arith.subi %[[C1]], %[[ODD]] : i32
// CHECK:           %[[CODE:.*]] = tensor.extract %[[CODEBOOK]][%{{.*}}] : tensor<16xf32>
// CHECK:           arith.addi %{{.*}}, %[[ABSMAX_PLANE]] : index
// CHECK:           %[[ABSMAX:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[Y:.*]] = arith.mulf %[[CODE]], %[[ABSMAX]] : f32
// CHECK:           %[[T:.*]] = arith.truncf %[[Y]] : f32 to bf16
// CHECK:           linalg.yield %[[T]] : bf16
func.func @nf4(%w: !quant4.blocked<1x128, #quant4.nf4>) -> tensor<1x128xbf16> {
  %y = quant4.dequantize %w : !quant4.blocked<1x128, #quant4.nf4> -> tensor<1x128xbf16>
  return %y : tensor<1x128xbf16>
}

// NF4 double quant: absmax = map[q] * absmax2[b / 256] + offset.
// CHECK-LABEL: func.func @nf4_double_quant
// CHECK-SAME:    (%[[RAW:.*]]: tensor<1064xi8>)
// CHECK-DAG:     %[[MAP:.*]] = arith.constant dense<"0x000080BF{{.*}}"> : tensor<256xf32>
// CHECK:         linalg.generic
// CHECK:           %[[CODE:.*]] = tensor.extract %{{.*}} : tensor<16xf32>
// CHECK:           %[[Q:.*]] = tensor.extract %[[RAW]]
// CHECK:           %[[ABSMAX2:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[OFFSET:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[QI:.*]] = arith.index_castui %[[Q]] : i8 to index
// CHECK:           %[[MQ:.*]] = tensor.extract %[[MAP]][%[[QI]]] : tensor<256xf32>
// CHECK:           %[[S:.*]] = arith.mulf %[[MQ]], %[[ABSMAX2]] : f32
// CHECK:           %[[ABSMAX:.*]] = arith.addf %[[S]], %[[OFFSET]] : f32
// CHECK:           arith.mulf %[[CODE]], %[[ABSMAX]] : f32
func.func @nf4_double_quant(%w: !quant4.blocked<1x2048, #quant4.nf4<double_quant = true>>) -> tensor<1x2048xf32> {
  %y = quant4.dequantize %w : !quant4.blocked<1x2048, #quant4.nf4<double_quant = true>> -> tensor<1x2048xf32>
  return %y : tensor<1x2048xf32>
}

// MXFP4 (hf layout): E2M1 value * E8M0 scale; byte 0 is 2^-127
// (0x00400000), byte 0xFF is NaN (0x7FC00000).
// CHECK-LABEL: func.func @mxfp4_hf
// CHECK-SAME:    (%[[RAW:.*]]: tensor<34xi8>) -> tensor<1x64xf32>
// CHECK-DAG:     %[[NAN:.*]] = arith.constant 2143289344 : i32
// CHECK-DAG:     %[[SUBNORMAL:.*]] = arith.constant 4194304 : i32
// CHECK-DAG:     %[[E2M1:.*]] = arith.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 6.000000e+00, -0.000000e+00, {{.*}}]> : tensor<16xf32>
// CHECK:         linalg.generic
// CHECK:           %[[V:.*]] = tensor.extract %[[E2M1]]
// CHECK:           %[[S0:.*]] = arith.select %{{.*}}, %[[SUBNORMAL]], %{{.*}} : i32
// CHECK:           %[[S1:.*]] = arith.select %{{.*}}, %[[NAN]], %[[S0]] : i32
// CHECK:           %[[SCALE:.*]] = arith.bitcast %[[S1]] : i32 to f32
// CHECK:           arith.mulf %[[V]], %[[SCALE]] : f32
func.func @mxfp4_hf(%w: !quant4.blocked<1x64, #quant4.mxfp4<layout = hf>>) -> tensor<1x64xf32> {
  %y = quant4.dequantize %w : !quant4.blocked<1x64, #quant4.mxfp4<layout = hf>> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// MXFP4 (ggml layout): the scale byte starts each 17-byte block.
// CHECK-LABEL: func.func @mxfp4_ggml
// CHECK-SAME:    (%[[RAW:.*]]: tensor<34xi8>)
// CHECK-DAG:     %[[C17:.*]] = arith.constant 17 : index
// CHECK:         linalg.generic
// CHECK:           %[[BASE:.*]] = arith.muli %{{.*}}, %[[C17]] : index
// CHECK:           tensor.extract %[[RAW]][%[[BASE]]] : tensor<34xi8>
func.func @mxfp4_ggml(%w: !quant4.blocked<1x64, #quant4.mxfp4>) -> tensor<1x64xf32> {
  %y = quant4.dequantize %w : !quant4.blocked<1x64, #quant4.mxfp4> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
