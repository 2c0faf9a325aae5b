// Model files are written by an independent Python writer (no quant4 code)
// from golden bytes made by ggml and bitsandbytes.
// RUN: rm -rf %t && %python %S/Inputs/make_models.py %golden %t
// RUN: q4-opt %s --pass-pipeline='builtin.module(quant4-import-weights{base-dir=%t})' | FileCheck %s
// RUN: q4-opt %s --pass-pipeline='builtin.module(quant4-import-weights{base-dir=%t})' \
// RUN:   | %python %S/Inputs/check_blobs.py \
// RUN:       blk.0.ffn_down.weight=%golden/q4k/q4k_gauss_64x4096.q4k \
// RUN:       mlp.up_proj.weight=%golden/nf4/nf4_gauss_64x4096.nf4.u8+%golden/nf4/nf4_gauss_64x4096.absmax.f32 \
// RUN:       mlp.experts.down_proj=%golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_blocks.u8+%golden/mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_scales.u8 \
// RUN:   | FileCheck %s --check-prefix=BYTES

// CHECK-LABEL: func.func @weights
// CHECK-NOT:     quant4.weight
// CHECK-DAG:     quant4.constant dense_resource<blk.0.ffn_down.weight> : tensor<147456xui8> : !quant4.blocked<64x4096, #quant4.q4_k>
// CHECK-DAG:     arith.constant dense_resource<output_norm.weight> : tensor<4096xf32>
// CHECK-DAG:     quant4.constant dense_resource<mlp.up_proj.weight> : tensor<147456xui8> : !quant4.blocked<64x4096, #quant4.nf4>
// CHECK-DAG:     quant4.constant dense_resource<mlp.experts.down_proj> : tensor<139264xui8> : !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>
// CHECK-DAG:     arith.constant dense_resource<norm.weight> : tensor<4096xbf16>

// BYTES-DAG: match blk.0.ffn_down.weight (147456 bytes)
// BYTES-DAG: match mlp.up_proj.weight (147456 bytes)
// BYTES-DAG: match mlp.experts.down_proj (139264 bytes)

func.func @weights() -> (!quant4.blocked<64x4096, #quant4.q4_k>, tensor<4096xf32>, !quant4.blocked<64x4096, #quant4.nf4>, !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>, tensor<4096xbf16>) {
  %a = quant4.weight "blk.0.ffn_down.weight" from "model.gguf" : !quant4.blocked<64x4096, #quant4.q4_k>
  %b = quant4.weight "output_norm.weight" from "model.gguf" : tensor<4096xf32>
  %c = quant4.weight "mlp.up_proj.weight" from "model.safetensors" : !quant4.blocked<64x4096, #quant4.nf4>
  %d = quant4.weight "mlp.experts.down_proj" from "model.safetensors" : !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>
  %e = quant4.weight "norm.weight" from "model.safetensors" : tensor<4096xbf16>
  return %a, %b, %c, %d, %e : !quant4.blocked<64x4096, #quant4.q4_k>, tensor<4096xf32>, !quant4.blocked<64x4096, #quant4.nf4>, !quant4.blocked<64x4096, #quant4.mxfp4<layout = hf>>, tensor<4096xbf16>
}
