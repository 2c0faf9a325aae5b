// q4-nvptx and q4-compile take NVPTXPipelineOptions' options as flags
// (lib/Tools/NVPTXFlags.h): each option's own name, `threads` as
// --block-threads; the option parses the value, and its errors name the flag.
// RUN: q4-nvptx %s -o %t.default
// RUN: q4-nvptx %s -o %t.nvptx --block-threads=64 --chip=sm_80 --features=+ptx70
// RUN: q4-compile %s --target=nvptx --emit=ptx -o %t.compile --block-threads=64 --chip=sm_80 --features=+ptx70
// RUN: cat %t.default.manifest %t.nvptx.manifest %t.compile.manifest | FileCheck %s
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t.compile.dequant_kernel.ptx
//
// RUN: not q4-nvptx %s -o %t.bad --block-threads=x 2>&1 | FileCheck %s --check-prefix=BADTHREADS
// RUN: not q4-compile %s --target=nvptx -o %t.bad.so --gemv-lanes=abc 2>&1 | FileCheck %s --check-prefix=BADLANES
// RUN: not q4-nvptx %s -o %t.bad --emit-binary=false 2>&1 | FileCheck %s --check-prefix=NOEMIT
// RUN: q4-nvptx --help | FileCheck %s --check-prefix=HELP

// 128 threads per block by default: 4 blocks of 128 over a row of 512.
// CHECK:      launch {{.*}}.default.dequant_kernel.ptx dequant_kernel 4 256 1 128 1 1 a0 a1
// CHECK:      launch {{.*}}.nvptx.dequant_kernel.ptx dequant_kernel 8 256 1 64 1 1 a0 a1
// CHECK:      launch {{.*}}.compile.dequant_kernel.ptx dequant_kernel 8 256 1 64 1 1 a0 a1
// PTX: .version 7.0
// PTX: .target sm_80

// BADTHREADS: q4-nvptx: for the --block-threads option: 'x' value invalid for long argument!
// BADLANES: q4-compile: for the --gemv-lanes option: 'abc' value invalid for long argument!
// NOEMIT: Unknown command line argument '--emit-binary=false'

// The descriptions are the pipeline options'.
// HELP-DAG: --block-threads=<value> {{ *}}- Threads per block
// HELP-DAG: --gemv-lanes=<value> {{ *}}- GEMV kernel: lanes per output column (0 = default)
// HELP-DAG: --mma-decode-once-min-rows=<value> {{ *}}- Tensor-core kernel: from this M on
// HELP-DAG: --gemv-max-rows=<value>

!m = !quant4.blocked<256x512, #quant4.mxfp4<layout = hf>>
func.func @dequant(%raw: tensor<69632xi8>) -> tensor<256x512xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.dequantize %w : !m -> tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
