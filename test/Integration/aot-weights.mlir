// q4-compile reads the tensors quant4.weight ops name (relative to
// --weights-dir, default the input's directory) and embeds them: the library
// needs no model file at run time. The GGUF is written by an independent
// Python writer from ggml's golden Q4_K bytes.
//
// RUN: rm -rf %t && mkdir %t && %python %S/../Dialect/Quant4/Inputs/make_models.py %golden %t
// RUN: q4-compile %s --weights-dir=%t -o %t/rows.so
// RUN: clang -std=c11 -Wall -Werror -include %t/rows.h %S/Inputs/aot_weights_main.c %t/rows.so -o %t/rows.exe
// RUN: rm %t/model.gguf
// RUN: %t/rows.exe %t/rows.f32
// RUN: cmp %t/rows.f32 %golden/q4k/q4k_gauss_64x4096.dequant.f32
//
// A missing file is an error at the weight op.
// RUN: not q4-compile %s --weights-dir=%t -o %t/again.so 2>&1 | FileCheck %s
// CHECK: error: 'quant4.weight' op cannot open model file: {{.*}}model.gguf

func.func @rows() -> tensor<64x4096xf32> {
  %w = quant4.weight "blk.0.ffn_down.weight" from "model.gguf" : !quant4.blocked<64x4096, #quant4.q4_k>
  %y = quant4.dequantize %w : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}
