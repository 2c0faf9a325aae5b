// RUN: q4-opt %s --convert-quant4-to-linalg --split-input-file | FileCheck %s

// Blocked tensors become their storage bytes; ui8 becomes i8.

!w = !quant4.blocked<2x256, #quant4.q4_k>

// CHECK-LABEL: func.func @signature
// CHECK-SAME:    (%[[W:.*]]: tensor<288xi8>) -> tensor<288xi8>
// CHECK-NEXT:    return %[[W]] : tensor<288xi8>
func.func @signature(%w: !w) -> !w {
  return %w : !w
}

// CHECK-LABEL: func.func @call
// CHECK-SAME:    (%[[W:.*]]: tensor<288xi8>) -> tensor<288xi8>
// CHECK:         %[[R:.*]] = call @signature(%[[W]]) : (tensor<288xi8>) -> tensor<288xi8>
// CHECK:         return %[[R]]
func.func @call(%w: !w) -> !w {
  %r = call @signature(%w) : (!w) -> !w
  return %r : !w
}

// -----

// CHECK-LABEL: func.func @from_bytes
// CHECK-SAME:    (%[[RAW:.*]]: tensor<?xi8>, %{{.*}}: index) -> tensor<?xi8>
// CHECK-NEXT:    return %[[RAW]] : tensor<?xi8>
func.func @from_bytes(%raw: tensor<?xi8>, %n: index)
    -> !quant4.blocked<?x256, #quant4.q4_k> {
  %w = quant4.from_bytes %raw [%n]
      : tensor<?xi8> -> !quant4.blocked<?x256, #quant4.q4_k>
  return %w : !quant4.blocked<?x256, #quant4.q4_k>
}

// CHECK-LABEL: func.func @from_bytes_dynamic_to_static
// CHECK-SAME:    (%[[RAW:.*]]: tensor<?xi8>) -> tensor<144xi8>
// CHECK-NEXT:    %[[CAST:.*]] = tensor.cast %[[RAW]] : tensor<?xi8> to tensor<144xi8>
// CHECK-NEXT:    return %[[CAST]]
func.func @from_bytes_dynamic_to_static(%raw: tensor<?xui8>)
    -> !quant4.blocked<1x256, #quant4.q4_k> {
  %w = quant4.from_bytes %raw : tensor<?xui8> -> !quant4.blocked<1x256, #quant4.q4_k>
  return %w : !quant4.blocked<1x256, #quant4.q4_k>
}

// -----

// CHECK-LABEL: func.func @dense_constant
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense<[127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, -1]> : tensor<17xi8>
// CHECK-NEXT:    return %[[C]] : tensor<17xi8>
func.func @dense_constant() -> !quant4.blocked<1x32, #quant4.mxfp4> {
  %w = quant4.constant dense<[127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255]>
      : tensor<17xui8> : !quant4.blocked<1x32, #quant4.mxfp4>
  return %w : !quant4.blocked<1x32, #quant4.mxfp4>
}

// CHECK-LABEL: func.func @resource_constant
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense_resource<blob> : tensor<17xi8>
// CHECK-NEXT:    return %[[C]] : tensor<17xi8>
func.func @resource_constant() -> !quant4.blocked<1x32, #quant4.mxfp4> {
  %w = quant4.constant dense_resource<blob> : tensor<17xui8>
      : !quant4.blocked<1x32, #quant4.mxfp4>
  return %w : !quant4.blocked<1x32, #quant4.mxfp4>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x010000007F0123456789ABCDEF0123456789ABCDEF"
    }
  }
#-}

// -----

// quantize of a constant is folded with lib/Format's codec into the storage
// bytes (a dense_resource blob).
// CHECK-LABEL: func.func @quantize_constant
// CHECK-SAME:    () -> tensor<17xi8>
// CHECK:         %[[C:.*]] = arith.constant dense_resource<quant4_quantized> : tensor<17xi8>
// CHECK-NOT:     quant4.
// CHECK:         return %[[C]] : tensor<17xi8>
// OCP: amax 1.0 -> scale 2^-2 (E8M0 0x7D), 1.0 / 0.25 = 4.0 = E2M1 code 6.
// CHECK:       quant4_quantized: "0x010000007D66666666666666666666666666666666"
func.func @quantize_constant() -> !quant4.blocked<1x32, #quant4.mxfp4> {
  %x = arith.constant dense<1.0> : tensor<1x32xf32>
  %w = quant4.quantize %x : tensor<1x32xf32> -> !quant4.blocked<1x32, #quant4.mxfp4>
  return %w : !quant4.blocked<1x32, #quant4.mxfp4>
}
