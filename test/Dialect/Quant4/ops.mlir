// RUN: q4-opt %s | q4-opt | FileCheck %s
// RUN: q4-opt %s --mlir-print-op-generic | q4-opt | FileCheck %s
// RUN: q4-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every quant4 op printed, parsed and printed again (custom and generic form).

// CHECK-LABEL: func.func @quantize_default_rule
// CHECK-SAME:    (%[[X:.*]]: tensor<64x4096xf32>)
// CHECK:         quant4.quantize %[[X]] : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.q4_k>
// GENERIC-LABEL: sym_name = "quantize_default_rule"
// GENERIC:       "quant4.quantize"(%{{.*}}) : (tensor<64x4096xf32>) -> !quant4.blocked<64x4096, #quant4.q4_k>
func.func @quantize_default_rule(%x: tensor<64x4096xf32>) -> !quant4.blocked<64x4096, #quant4.q4_k> {
  %q = quant4.quantize %x : tensor<64x4096xf32> -> !quant4.blocked<64x4096, #quant4.q4_k>
  return %q : !quant4.blocked<64x4096, #quant4.q4_k>
}

// CHECK-LABEL: func.func @quantize_rules
// CHECK:         quant4.quantize %{{.*}} rule ggml : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4>
// CHECK:         quant4.quantize %{{.*}} rule ocp : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4<layout = hf>>
// CHECK:         quant4.quantize %{{.*}} rule optimal : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4>
// GENERIC-LABEL: sym_name = "quantize_rules"
// GENERIC:       "quant4.quantize"(%{{.*}}) <{rule = 0 : i32}>
func.func @quantize_rules(%x: tensor<2x64xf16>) {
  %a = quant4.quantize %x rule ggml : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4>
  %b = quant4.quantize %x rule ocp : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4<layout = hf>>
  %c = quant4.quantize %x rule optimal : tensor<2x64xf16> -> !quant4.blocked<2x64, #quant4.mxfp4>
  return
}

// CHECK-LABEL: func.func @quantize_dynamic
// CHECK:         quant4.quantize %{{.*}} : tensor<?x256xbf16> -> !quant4.blocked<?x256, #quant4.nf4>
func.func @quantize_dynamic(%x: tensor<?x256xbf16>) -> !quant4.blocked<?x256, #quant4.nf4> {
  %q = quant4.quantize %x : tensor<?x256xbf16> -> !quant4.blocked<?x256, #quant4.nf4>
  return %q : !quant4.blocked<?x256, #quant4.nf4>
}

// CHECK-LABEL: func.func @dequantize
// CHECK:         quant4.dequantize %{{.*}} : !quant4.blocked<4x2x256, #quant4.q4_k> -> tensor<4x2x256xf32>
// CHECK:         quant4.dequantize %{{.*}} : !quant4.blocked<4x2x256, #quant4.q4_k> -> tensor<4x2x256xbf16>
func.func @dequantize(%w: !quant4.blocked<4x2x256, #quant4.q4_k>) -> (tensor<4x2x256xf32>, tensor<4x2x256xbf16>) {
  %a = quant4.dequantize %w : !quant4.blocked<4x2x256, #quant4.q4_k> -> tensor<4x2x256xf32>
  %b = quant4.dequantize %w : !quant4.blocked<4x2x256, #quant4.q4_k> -> tensor<4x2x256xbf16>
  return %a, %b : tensor<4x2x256xf32>, tensor<4x2x256xbf16>
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<1x4096xf32>, %[[W:.*]]: !quant4.blocked<11008x4096, #quant4.q4_k>)
// CHECK:         quant4.matmul %[[X]], %[[W]] : tensor<1x4096xf32>, !quant4.blocked<11008x4096, #quant4.q4_k> -> tensor<1x11008xf32>
func.func @matmul(%x: tensor<1x4096xf32>, %w: !quant4.blocked<11008x4096, #quant4.q4_k>) -> tensor<1x11008xf32> {
  %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !quant4.blocked<11008x4096, #quant4.q4_k> -> tensor<1x11008xf32>
  return %y : tensor<1x11008xf32>
}

// CHECK-LABEL: func.func @matmul_batched_acc
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} {acc_type = f32} : tensor<2x?x4096xf16>, !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>> -> tensor<2x?x64xf16>
// GENERIC:       "quant4.matmul"(%{{.*}}, %{{.*}}) <{acc_type = f32}>
func.func @matmul_batched_acc(%x: tensor<2x?x4096xf16>, %w: !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>>) -> tensor<2x?x64xf16> {
  %y = quant4.matmul %x, %w {acc_type = f32} : tensor<2x?x4096xf16>, !quant4.blocked<64x4096, #quant4.nf4<block_size = 128>> -> tensor<2x?x64xf16>
  return %y : tensor<2x?x64xf16>
}

// CHECK-LABEL: func.func @matmul_q8k
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} activations q8_k : tensor<4x?x512xbf16>, !quant4.blocked<64x512, #quant4.q4_k> -> tensor<4x?x64xf32>
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} : tensor<4x?x512xbf16>
// GENERIC:       "quant4.matmul"(%{{.*}}, %{{.*}}) <{activation_mode = 1 : i32}>
// GENERIC:       "quant4.matmul"(%{{.*}}, %{{.*}}) <{activation_mode = 0 : i32}>
func.func @matmul_q8k(%x: tensor<4x?x512xbf16>, %w: !quant4.blocked<64x512, #quant4.q4_k>) -> (tensor<4x?x64xf32>, tensor<4x?x64xf32>) {
  %y = quant4.matmul %x, %w activations q8_k : tensor<4x?x512xbf16>, !quant4.blocked<64x512, #quant4.q4_k> -> tensor<4x?x64xf32>
  %z = quant4.matmul %x, %w activations f32 : tensor<4x?x512xbf16>, !quant4.blocked<64x512, #quant4.q4_k> -> tensor<4x?x64xf32>
  return %y, %z : tensor<4x?x64xf32>, tensor<4x?x64xf32>
}

// CHECK-LABEL: func.func @byte_views
// CHECK-SAME:    (%[[RAW:.*]]: tensor<147456xui8>, %[[DYN:.*]]: tensor<?xi8>, %[[N:.*]]: index)
// CHECK:         %[[W:.*]] = quant4.from_bytes %[[RAW]] : tensor<147456xui8> -> !quant4.blocked<64x4096, #quant4.q4_k>
// CHECK:         %[[V:.*]] = quant4.from_bytes %[[DYN]][%[[N]]] : tensor<?xi8> -> !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>>
// CHECK:         quant4.to_bytes %[[W]] : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<147456xi8>
// CHECK:         quant4.to_bytes %[[V]] : !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>> -> tensor<?xui8>
// GENERIC-LABEL: sym_name = "byte_views"
// GENERIC:       "quant4.from_bytes"(%{{.*}}, %{{.*}}) : (tensor<?xi8>, index)
func.func @byte_views(%raw: tensor<147456xui8>, %dyn: tensor<?xi8>, %n: index) -> (tensor<147456xi8>, tensor<?xui8>) {
  %w = quant4.from_bytes %raw : tensor<147456xui8> -> !quant4.blocked<64x4096, #quant4.q4_k>
  %v = quant4.from_bytes %dyn [%n] : tensor<?xi8> -> !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>>
  %a = quant4.to_bytes %w : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<147456xi8>
  %b = quant4.to_bytes %v : !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>> -> tensor<?xui8>
  return %a, %b : tensor<147456xi8>, tensor<?xui8>
}

// CHECK-LABEL: func.func @constants
// CHECK:         quant4.constant dense_resource<q4k_block> : tensor<144xui8> : !quant4.blocked<1x256, #quant4.q4_k>
// CHECK:         quant4.constant dense<0> : tensor<17xi8> : !quant4.blocked<1x32, #quant4.mxfp4>
func.func @constants() -> (!quant4.blocked<1x256, #quant4.q4_k>, !quant4.blocked<1x32, #quant4.mxfp4>) {
  %a = quant4.constant dense_resource<q4k_block> : tensor<144xui8> : !quant4.blocked<1x256, #quant4.q4_k>
  %b = quant4.constant dense<0> : tensor<17xi8> : !quant4.blocked<1x32, #quant4.mxfp4>
  return %a, %b : !quant4.blocked<1x256, #quant4.q4_k>, !quant4.blocked<1x32, #quant4.mxfp4>
}

// CHECK-LABEL: func.func @weights
// CHECK:         quant4.weight "blk.0.attn_q.weight" from "model.gguf" : !quant4.blocked<4096x4096, #quant4.q4_k>
// CHECK:         quant4.weight "model.norm.weight" from "/models/m.safetensors" : tensor<4096xbf16>
// GENERIC-LABEL: sym_name = "weights"
// GENERIC:       "quant4.weight"() <{file = "model.gguf", name = "blk.0.attn_q.weight"}>
func.func @weights() -> (!quant4.blocked<4096x4096, #quant4.q4_k>, tensor<4096xbf16>) {
  %w = quant4.weight "blk.0.attn_q.weight" from "model.gguf" : !quant4.blocked<4096x4096, #quant4.q4_k>
  %n = quant4.weight "model.norm.weight" from "/models/m.safetensors" : tensor<4096xbf16>
  return %w, %n : !quant4.blocked<4096x4096, #quant4.q4_k>, tensor<4096xbf16>
}

// The blob is printed back unchanged.
// CHECK:       dialect_resources
// CHECK-NEXT:    builtin
// CHECK-NEXT:      q4k_block: "0x01000000000102030405060708090A0B

{-#
  dialect_resources: {
    builtin: {
      q4k_block: "0x01000000000102030405060708090A0B000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}
