// RUN: q4-opt %s | q4-opt | FileCheck %s
// RUN: q4-opt %s --mlir-print-op-generic | q4-opt | FileCheck %s

// Format attributes and the blocked type: default parameters are elided when
// printed, explicit ones kept.

// CHECK-LABEL: func.func private @q4k
// CHECK-SAME:    !quant4.blocked<4096x11008, #quant4.q4_k>
func.func private @q4k(!quant4.blocked<4096x11008, #quant4.q4_k>)

// CHECK-LABEL: func.func private @nf4_default
// CHECK-SAME:    !quant4.blocked<8x64, #quant4.nf4>
// CHECK-SAME:    !quant4.blocked<8x64, #quant4.nf4>
func.func private @nf4_default(!quant4.blocked<8x64, #quant4.nf4>, !quant4.blocked<8x64, #quant4.nf4<block_size = 64>>)

// CHECK-LABEL: func.func private @nf4_params
// CHECK-SAME:    !quant4.blocked<8x4096, #quant4.nf4<block_size = 4096>>
// CHECK-SAME:    !quant4.blocked<8x32, #quant4.nf4<block_size = 32, double_quant = true>>
// CHECK-SAME:    !quant4.blocked<8x64, #quant4.nf4<double_quant = true>>
func.func private @nf4_params(!quant4.blocked<8x4096, #quant4.nf4<block_size = 4096>>, !quant4.blocked<8x32, #quant4.nf4<double_quant = true, block_size = 32>>, !quant4.blocked<8x64, #quant4.nf4<double_quant = true>>)

// CHECK-LABEL: func.func private @mxfp4
// CHECK-SAME:    !quant4.blocked<2880x2880, #quant4.mxfp4>
// CHECK-SAME:    !quant4.blocked<2880x2880, #quant4.mxfp4>
// CHECK-SAME:    !quant4.blocked<2880x2880, #quant4.mxfp4<layout = hf>>
func.func private @mxfp4(!quant4.blocked<2880x2880, #quant4.mxfp4>, !quant4.blocked<2880x2880, #quant4.mxfp4<layout = ggml>>, !quant4.blocked<2880x2880, #quant4.mxfp4<layout = hf>>)

// Dynamic outer dimensions, higher ranks, an empty innermost dimension.
// CHECK-LABEL: func.func private @shapes
// CHECK-SAME:    !quant4.blocked<?x?x256, #quant4.q4_k>
// CHECK-SAME:    !quant4.blocked<32, #quant4.mxfp4>
// CHECK-SAME:    !quant4.blocked<4x0, #quant4.q4_k>
func.func private @shapes(!quant4.blocked<?x?x256, #quant4.q4_k>, !quant4.blocked<32, #quant4.mxfp4>, !quant4.blocked<4x0, #quant4.q4_k>)

// Format attributes stand alone too (e.g. as discardable attributes).
// CHECK-LABEL: func.func private @standalone
// CHECK-SAME:    attributes {formats = [#quant4.q4_k, #quant4.nf4<block_size = 128>, #quant4.mxfp4<layout = hf>]}
func.func private @standalone() attributes {formats = [#quant4.q4_k, #quant4.nf4<block_size = 128>, #quant4.mxfp4<layout = hf>]}
