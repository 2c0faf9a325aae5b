// The integer dot products of `activations q8_k` reach the x86 backend in a
// form it turns into int8/int16 dot instructions: the portable form (four
// strided shuffles per sub-block, lanes 4i .. 4i + 3 added) becomes vpmaddwd
// on i16 operands on Zen 4 and on AVX2; neither decodes a weight to float:
// the only int->float conversions are the two 8-lane block sums per row
// (vcvtdq2ps on ymm, never a 16-lane zmm of weights).
//
// RUN: q4-opt %s --quant4-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=ZNVER4
// RUN: q4-opt %s --quant4-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=x86-64-v3 | FileCheck %s --check-prefix=AVX2
//
// With x86-int8-dot (what q4-run picks on an AVX2 host), quant4-x86-int8-dot
// gives ggml's AVX2 scheme: vpmaddubsw per sub-block, then vpmaddwd by the
// broadcast scale, fused with the add of the sub-block sums into vpdpwssd
// on Zen 4.
// RUN: q4-opt %s --quant4-cpu-pipeline=x86-int8-dot | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=DOT

// ZNVER4-LABEL: gemv:
// ZNVER4-COUNT-8: vpmaddwd
// ZNVER4-NOT:     vcvtdq2ps %zmm
// ZNVER4:         vcvtdq2ps %ymm
// ZNVER4-NOT:     vcvtdq2ps %zmm
// ZNVER4:         -- End function
// AVX2-LABEL:   gemv:
// AVX2-COUNT-8:   vpmaddwd
// DOT-LABEL:    gemv:
// DOT-NOT:        vpdpbusd
// DOT-NOT:        vcvtdq2ps %zmm
// DOT-COUNT-8:    vpmaddubsw
// DOT:            vpdpwssd
// DOT-NOT:        vcvtdq2ps %zmm
// DOT:            -- End function

!w = !quant4.blocked<64x512, #quant4.q4_k>

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
