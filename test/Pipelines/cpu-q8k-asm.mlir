// The integer dot products of `activations q8_k` reach the x86 backend in a
// form it turns into int8 dot instructions: vpdpbusd on AVX512-VNNI (Zen 4)
// and vpmaddwd on AVX2; neither decodes a weight to float (no vcvtdq2ps on a
// full vector of weights: the only int->float conversions are the per-block
// sums).
//
// RUN: q4-opt %s --quant4-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=ZNVER4
// RUN: q4-opt %s --quant4-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=x86-64-v3 | FileCheck %s --check-prefix=AVX2
//
// With x86-int8-dot (what q4-run picks on an AVX2 host), quant4-x86-int8-dot
// gives ggml's AVX2 scheme, one vector accumulator per block: vpmaddubsw,
// then vpmaddwd by the broadcast scale, fused with the add into vpdpwssd on
// Zen 4.
// RUN: q4-opt %s --quant4-cpu-pipeline=x86-int8-dot | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=DOT

// ZNVER4-LABEL: gemv:
// ZNVER4-COUNT-8: vpdpbusd
// ZNVER4-NOT:     vcvtdq2ps %ymm
// AVX2-LABEL:   gemv:
// AVX2-COUNT-8:   vpmaddwd
// AVX2-NOT:       vcvtdq2ps %ymm
// DOT-LABEL:    gemv:
// DOT-NOT:        vpdpbusd
// DOT-COUNT-8:    vpmaddubsw
// DOT:            vpdpwssd

!w = !quant4.blocked<64x512, #quant4.q4_k>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
