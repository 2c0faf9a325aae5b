// q4-compile --weights=load: the library reads the tensors quant4.weight ops
// name from their GGUF / safetensors files (memory-mapped) at the first call
// or at q4_rows_init, instead of embedding them. Its results are bit-for-bit
// those of the embedded build; every bad file is a message from
// q4_rows_error() and a non-zero status, never a crash. The model files are
// written by an independent Python writer from golden ggml / bitsandbytes
// bytes.
//
// RUN: rm -rf %t && mkdir -p %t/models %t/embed %t/load %t/empty
// RUN: %python %S/../Dialect/Quant4/Inputs/make_models.py %golden %t/models
// RUN: q4-compile %s --weights-dir=%t/models -o %t/embed/rows.so
// RUN: q4-compile %s --weights=load --weights-dir=%t/models -o %t/load/rows.so
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/load/rows.h
// RUN: clang -std=c11 -Wall -Werror -include %t/embed/rows.h %S/Inputs/aot_load_main.c %t/embed/rows.so -lm -o %t/embed.exe
// RUN: clang -std=c11 -Wall -Werror -include %t/load/rows.h %S/Inputs/aot_load_main.c %t/load/rows.so -lm -o %t/load.exe
//
// The default directory (--weights-dir, recorded in the library), then one
// given to q4_rows_init: the same bits as the embedded weights.
// RUN: %t/embed.exe %t/embed/out
// RUN: %t/load.exe %t/load/out
// RUN: %t/load.exe %t/load/init %t/models
// RUN: cmp %t/load/out.rows.f32 %golden/q4k/q4k_gauss_64x4096.dequant.f32
// RUN: cmp %t/load/out.rows.f32 %t/embed/out.rows.f32
// RUN: cmp %t/load/out.up.f32 %t/embed/out.up.f32
// RUN: cmp %t/load/out.norm.f32 %t/embed/out.norm.f32
// RUN: cmp %t/load/out.norm_bf16.u16 %t/embed/out.norm_bf16.u16
// RUN: cmp %t/load/init.up.f32 %t/embed/out.up.f32
//
// The library reads the files: without them it fails, with a message.
// RUN: not %t/load.exe %t/x %t/empty 2>&1 | FileCheck %s --check-prefix=MISSING-FILE
// MISSING-FILE: q4_rows_init failed (1): q4_rows: cannot load tensor 'blk.0.ffn_down.weight' in '{{.*}}/empty/model.gguf': cannot open
// The environment variable replaces the default directory; the entry point
// that loads the weights reports the failure.
// RUN: env Q4_ROWS_WEIGHTS_DIR=%t/empty not %t/load.exe %t/x 2>&1 | FileCheck %s --check-prefix=ENV
// ENV: q4_rows failed (1): q4_rows: cannot load tensor 'blk.0.ffn_down.weight' in '{{.*}}/empty/model.gguf'
//
// RUN: %python %S/Inputs/make_bad_models.py %golden %t/models/model.gguf %t/bad
// RUN: not %t/load.exe %t/x %t/bad/missing-tensor 2>&1 | FileCheck %s --check-prefix=MISSING-TENSOR
// MISSING-TENSOR: q4_rows: cannot load tensor 'blk.0.ffn_down.weight' in '{{.*}}/missing-tensor/model.gguf': {{.*}}no tensor named 'blk.0.ffn_down.weight'
// RUN: not %t/load.exe %t/x %t/bad/wrong-type 2>&1 | FileCheck %s --check-prefix=WRONG-TYPE
// WRONG-TYPE: q4_rows: tensor 'blk.0.ffn_down.weight' in '{{.*}}/wrong-type/model.gguf' is 64x4096 q4_0, but the library expects 64x4096 q4_k
// RUN: not %t/load.exe %t/x %t/bad/wrong-shape 2>&1 | FileCheck %s --check-prefix=WRONG-SHAPE
// WRONG-SHAPE: q4_rows: tensor 'blk.0.ffn_down.weight' in '{{.*}}/wrong-shape/model.gguf' is 32x4096 q4_k, but the library expects 64x4096 q4_k
// RUN: not %t/load.exe %t/x %t/bad/truncated 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: q4_rows: cannot load tensor 'blk.0.ffn_down.weight' in '{{.*}}/truncated/model.gguf': {{.*}} extends past the end of the file
//
// HEADER:      #define Q4_ROWS_WEIGHTS_DIR_VARIABLE "Q4_ROWS_WEIGHTS_DIR"
// HEADER:      int q4_rows_init(const char *weights_dir);
// HEADER:      void _mlir_ciface_up(up_result0_t *result, up_arg0_t *arg0, up_weight0_t *weight0);
// HEADER:      int q4_up(const float *arg0, float *result0);

func.func @rows() -> tensor<64x4096xf32> {
  %w = quant4.weight "blk.0.ffn_down.weight" from "model.gguf" : !quant4.blocked<64x4096, #quant4.q4_k>
  %y = quant4.dequantize %w : !quant4.blocked<64x4096, #quant4.q4_k> -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}

// NF4 planes stored as separate safetensors tensors (brought together by the
// reader).
!nf4 = !quant4.blocked<64x4096, #quant4.nf4<block_size = 64>>
func.func @up(%x: tensor<2x4096xf32>) -> tensor<2x64xf32> {
  %w = quant4.weight "mlp.up_proj.weight" from "model.safetensors" : !nf4
  %y = quant4.matmul %x, %w : tensor<2x4096xf32>, !nf4 -> tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}

// Float tensors returned as they are: the results alias the mapped file
// (load) or a global (embed), and the wrapper frees neither.
func.func @norms() -> (tensor<4096xf32>, tensor<4096xbf16>) {
  %a = quant4.weight "output_norm.weight" from "model.gguf" : tensor<4096xf32>
  %b = quant4.weight "norm.weight" from "model.safetensors" : tensor<4096xbf16>
  return %a, %b : tensor<4096xf32>, tensor<4096xbf16>
}
