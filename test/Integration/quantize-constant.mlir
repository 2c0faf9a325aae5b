// quantize of a constant is folded by convert-quant4-to-linalg with
// lib/Format's codec: the storage bytes equal the golden bytes produced by
// ggml (Q4_K, MXFP4 ggml rule) and the bitsandbytes re-implementation (NF4),
// in each format's layout.
//
// RUN: %q4npy quantize-ir %t.q4k.mlir %golden/q4k/q4k_gauss_4096.input.f32 1 4096 "#quant4.q4_k" 2304
// RUN: q4-run %t.q4k.mlir --entry quantize --output %t.q4k.npy
// RUN: %q4npy bytes-equal %t.q4k.npy %golden/q4k/q4k_gauss_4096.q4k
//
// RUN: %q4npy quantize-ir %t.nf4.mlir %golden/nf4/nf4_gauss_4096.input.f32 1 4096 "#quant4.nf4" 2304
// RUN: q4-run %t.nf4.mlir --entry quantize --output %t.nf4.npy
// RUN: %q4npy bytes-equal %t.nf4.npy %golden/nf4/nf4_gauss_4096.nf4.u8 %golden/nf4/nf4_gauss_4096.absmax.f32
//
// RUN: %q4npy quantize-ir %t.ggml.mlir %golden/mxfp4/mxfp4_ties_256.input.f32 1 256 "#quant4.mxfp4" 136 ggml
// RUN: q4-run %t.ggml.mlir --entry quantize --output %t.ggml.npy
// RUN: %q4npy bytes-equal %t.ggml.npy %golden/mxfp4/mxfp4_ties_256.ggml.mxfp4
//
// RUN: %q4npy quantize-ir %t.hf.mlir %golden/mxfp4/mxfp4_ties_256.input.f32 1 256 "#quant4.mxfp4<layout = hf>" 136 ocp
// RUN: q4-run %t.hf.mlir --entry quantize --output %t.hf.npy
// RUN: %q4npy bytes-equal %t.hf.npy %golden/mxfp4/mxfp4_ties_256.ocp_rne.hf_blocks.u8 %golden/mxfp4/mxfp4_ties_256.ocp_rne.hf_scales.u8
//
// The rule matters (ties differ between ggml and OCP rounding):
// RUN: not %q4npy bytes-equal %t.hf.npy %golden/mxfp4/mxfp4_ties_256.ggml.hf_blocks.u8 %golden/mxfp4/mxfp4_ties_256.ggml.hf_scales.u8
