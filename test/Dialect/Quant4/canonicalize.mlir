// RUN: q4-opt %s -canonicalize --split-input-file | FileCheck %s

// Byte views fold when they are exact round trips.

// CHECK-LABEL: func.func @from_to_bytes
// CHECK-SAME:    (%[[W:.*]]: !quant4.blocked<64x4096, #quant4.q4_k>)
// CHECK-NEXT:    return %[[W]]
func.func @from_to_bytes(%w: !quant4.blocked<64x4096, #quant4.q4_k>) -> !quant4.blocked<64x4096, #quant4.q4_k> {
  %b = quant4.to_bytes %w : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<147456xi8>
  %v = quant4.from_bytes %b : tensor<147456xi8> -> !quant4.blocked<64x4096, #quant4.q4_k>
  return %v : !quant4.blocked<64x4096, #quant4.q4_k>
}

// -----

// CHECK-LABEL: func.func @to_from_bytes_dynamic
// CHECK-SAME:    (%[[B:.*]]: tensor<?xui8>, %{{.*}}: index)
// CHECK-NEXT:    return %[[B]]
func.func @to_from_bytes_dynamic(%b: tensor<?xui8>, %n: index) -> tensor<?xui8> {
  %w = quant4.from_bytes %b [%n] : tensor<?xui8> -> !quant4.blocked<?x32, #quant4.mxfp4<layout = hf>>
  %c = quant4.to_bytes %w : !quant4.blocked<?x32, #quant4.mxfp4<layout = hf>> -> tensor<?xui8>
  return %c : tensor<?xui8>
}

// -----

// A view to a different byte type (i8 vs ui8) is not the identity: kept.
// CHECK-LABEL: func.func @byte_type_change
// CHECK:         quant4.from_bytes
// CHECK:         quant4.to_bytes
func.func @byte_type_change(%b: tensor<144xui8>) -> tensor<144xi8> {
  %w = quant4.from_bytes %b : tensor<144xui8> -> !quant4.blocked<1x256, #quant4.q4_k>
  %c = quant4.to_bytes %w : !quant4.blocked<1x256, #quant4.q4_k> -> tensor<144xi8>
  return %c : tensor<144xi8>
}

// -----

// Viewing the same bytes as another format is a reinterpretation: kept.
// CHECK-LABEL: func.func @format_change
// CHECK:         quant4.to_bytes
// CHECK:         quant4.from_bytes
func.func @format_change(%w: !quant4.blocked<2x32, #quant4.mxfp4>) -> !quant4.blocked<2x32, #quant4.mxfp4<layout = hf>> {
  %b = quant4.to_bytes %w : !quant4.blocked<2x32, #quant4.mxfp4> -> tensor<34xi8>
  %v = quant4.from_bytes %b : tensor<34xi8> -> !quant4.blocked<2x32, #quant4.mxfp4<layout = hf>>
  return %v : !quant4.blocked<2x32, #quant4.mxfp4<layout = hf>>
}

// -----

// The bytes of a constant are a constant.
// CHECK-LABEL: func.func @constant_bytes
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : tensor<17xui8>
// CHECK-NEXT:    return %[[C]]
func.func @constant_bytes() -> tensor<17xui8> {
  %w = quant4.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : tensor<17xui8> : !quant4.blocked<1x32, #quant4.mxfp4>
  %b = quant4.to_bytes %w : !quant4.blocked<1x32, #quant4.mxfp4> -> tensor<17xui8>
  return %b : tensor<17xui8>
}

// -----

// Lossy round trips never fold.
// CHECK-LABEL: func.func @quantize_dequantize
// CHECK:         %[[Q:.*]] = quant4.quantize
// CHECK:         %[[D:.*]] = quant4.dequantize %[[Q]]
// CHECK:         return %[[D]]
func.func @quantize_dequantize(%x: tensor<4x256xf32>) -> tensor<4x256xf32> {
  %q = quant4.quantize %x : tensor<4x256xf32> -> !quant4.blocked<4x256, #quant4.q4_k>
  %d = quant4.dequantize %q : !quant4.blocked<4x256, #quant4.q4_k> -> tensor<4x256xf32>
  return %d : tensor<4x256xf32>
}

// -----

// CHECK-LABEL: func.func @dequantize_quantize
// CHECK:         %[[D:.*]] = quant4.dequantize
// CHECK:         %[[Q:.*]] = quant4.quantize %[[D]]
// CHECK:         return %[[Q]]
func.func @dequantize_quantize(%w: !quant4.blocked<4x64, #quant4.nf4>) -> !quant4.blocked<4x64, #quant4.nf4> {
  %d = quant4.dequantize %w : !quant4.blocked<4x64, #quant4.nf4> -> tensor<4x64xf32>
  %q = quant4.quantize %d : tensor<4x64xf32> -> !quant4.blocked<4x64, #quant4.nf4>
  return %q : !quant4.blocked<4x64, #quant4.nf4>
}

// -----

// Unused pure ops are removed; identical constants are merged.
// CHECK-LABEL: func.func @dce_and_cse
// CHECK-NEXT:    %[[C:.*]] = quant4.constant dense<7> : tensor<17xi8>
// CHECK-NEXT:    return %[[C]], %[[C]]
func.func @dce_and_cse(%x: tensor<1x32xf32>) -> (!quant4.blocked<1x32, #quant4.mxfp4>, !quant4.blocked<1x32, #quant4.mxfp4>) {
  %unused = quant4.quantize %x rule ggml : tensor<1x32xf32> -> !quant4.blocked<1x32, #quant4.mxfp4>
  %a = quant4.constant dense<7> : tensor<17xi8> : !quant4.blocked<1x32, #quant4.mxfp4>
  %b = quant4.constant dense<7> : tensor<17xi8> : !quant4.blocked<1x32, #quant4.mxfp4>
  return %a, %b : !quant4.blocked<1x32, #quant4.mxfp4>, !quant4.blocked<1x32, #quant4.mxfp4>
}
