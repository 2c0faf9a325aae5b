// The PTX of every format, GEMV (quant4-gpu-gemv), tensor-core GEMM
// (quant4-gpu-mma-gemm), split-K GEMM and dequantize, must assemble with
// CUDA's ptxas for sm_90 (and the sm_80 variant for sm_80). Without ptxas
// this test is UNSUPPORTED, never passing.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// With --mma-gemv-min-rows=2, @mxfp4 (M = 1) stays on the CUDA-core GEMV.
// RUN: q4-nvptx %s -o %t/k --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90 %t/k.q4k_kernel.ptx -o %t/q4k_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/k.nf4_kernel.ptx -o %t/nf4_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/k.nested_kernel.ptx -o %t/nested_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/k.mxfp4_kernel.ptx -o %t/mxfp4_kernel.cubin
// The tensor-core GEMMs: x to f16, the mma kernel, the sum of K splits.
// RUN: %ptxas -arch=sm_90 %t/k.gemm_kernel.ptx -o %t/gemm_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/k.gemm_kernel_2.ptx -o %t/gemm_kernel_0.cubin
// RUN: %ptxas -arch=sm_90 %t/k.gemm_kernel_3.ptx -o %t/gemm_kernel_1.cubin
// RUN: %ptxas -arch=sm_90 %t/k.gemm_nf4_kernel_4.ptx -o %t/gemm_nf4_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/k.gemm_mxfp4_kernel_6.ptx -o %t/gemm_mxfp4_kernel.cubin
// RUN: q4-nvptx %s -o %t/s --mma-min-rows=0 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90 %t/s.gemm_kernel.ptx -o %t/s_gemm_kernel.cubin
// RUN: %ptxas -arch=sm_90 %t/s.gemm_kernel_2.ptx -o %t/s_gemm_kernel_0.cubin
// RUN: %ptxas -arch=sm_90 %t/k.dequant_kernel.ptx -o %t/dequant_kernel.cubin
// The tensor-core GEMV (@mma_gemv): the split of x, the mma kernel.
// RUN: %ptxas -arch=sm_90 %t/k.mma_gemv_kernel.ptx -o %t/mma_gemv_kernel.cubin
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_kernel_9.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// NF4 (@nf4 at M = 16, @nested with double-quantized absmax and f16 x at
// M = 4, @mma_gemv_nf4): the codebook split into f16 halves.
// RUN: %ptxas -arch=sm_90 -v %t/k.nf4_kernel_0.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 %t/k.nested_kernel_1.ptx -o %t/nested1.cubin
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_nf4_kernel_11.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 %t/k.mma_gemv_mxfp4_kernel.ptx -o %t/mxs.cubin
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_mxfp4_kernel_12.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 %t/k.mma_gemv_mxfp4_hf_kernel.ptx -o %t/mxh.cubin
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_mxfp4_hf_kernel_13.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// MXFP4 with K = 288 (@mma_gemv_mxfp4_tail, hf; @..._ggml_tail, ggml
// words read byte by byte): the partial last unit.
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_mxfp4_tail_kernel_14.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_mxfp4_ggml_tail_kernel_15.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// With Q8_K activations (@mma_gemv_q8): int8 mma.sync m16n8k32.
// RUN: %ptxas -arch=sm_90 -v %t/k.mma_gemv_q8_kernel_10.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: FileCheck %s --check-prefix=INT8MMA --input-file=%t/k.mma_gemv_q8_kernel_10.ptx
// INT8MMA: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// The GEMV kernels (M <= 16) keep their decoded values and sums in
// registers: no local memory.
// RUN: %ptxas -arch=sm_90 -v %t/k.q4k_kernel.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 -v %t/k.nf4_kernel.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// So do the tensor-core kernels (accumulators, fragments, decoded values).
// RUN: %ptxas -arch=sm_90 -v %t/k.gemm_kernel_2.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas -arch=sm_90 -v %t/k.gemm_mxfp4_kernel_6.ptx -o %t/v.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// NOSPILL: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// The GEMV knobs: two K blocks per trip, two columns per thread.
// RUN: q4-nvptx %s -o %t/u --gemv-unroll=2 --gemv-cols-per-thread=2 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90 -v %t/u.q4k_kernel.ptx -o %t/u.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// Weights decoded to f16 once (the large-M form), then the mma kernel.
// RUN: q4-nvptx %s -o %t/o --mma-decode-once-min-rows=17 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90 %t/o.gemm_kernel_2.ptx -o %t/o0.cubin
// RUN: %ptxas -arch=sm_90 %t/o.gemm_mxfp4_kernel_8.ptx -o %t/o6.cubin
// RUN: %ptxas -arch=sm_90 -v %t/o.gemm_kernel_3.ptx -o %t/o1.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// At M = 160 (128 x 128 tiles) the three cp.async stages are 48 KB of
// dynamic shared memory (the manifest's shared=); the only static shared
// memory is the 1-byte symbol MLIR's gpu.dynamic_shared_memory lowers to.
// RUN: %ptxas -arch=sm_90 -v %t/o.gemm_mxfp4_kernel_9.ptx -o %t/o7.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=NOSPILL,SMEM
// RUN: FileCheck %s --check-prefix=SHARED --input-file=%t/o.manifest
// The decode-once knobs: 128 x 256 tiles of 8 warps, K steps of 64 (rows
// of 128 bytes, the other swizzle) and 4 stages: 196608 bytes.
// RUN: q4-nvptx %s -o %t/b --mma-decode-once-min-rows=17 --mma-gemv-min-rows=2 \
// RUN:   --mma-async-warps-n=4 --mma-async-step-k=64 --mma-async-stages=4
// RUN: %ptxas -arch=sm_90 -v %t/b.gemm_mxfp4_kernel_9.ptx -o %t/b7.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=NOSPILL,SMEM
// RUN: %ptxas -arch=sm_90 %t/b.gemm_kernel_3.ptx -o %t/b1.cubin
// RUN: FileCheck %s --check-prefix=BIG --input-file=%t/b.manifest
// SMEM: used 1 barriers, 1 bytes smem
// SHARED: launch o.gemm_mxfp4_kernel_9.ptx gemm_mxfp4_kernel 2 2 8 128 1 1 shared=49152 s0 s1 s2
// BIG: launch b.gemm_mxfp4_kernel_9.ptx gemm_mxfp4_kernel 2 1 8 256 1 1 shared=196608 s0 s1 s2
// On sm_90a the decode-once kernel multiplies with wgmma: at M = 160 two
// row tiles of two warpgroups, 8 K splits, m64n256k16 from 4 stages
// (196608 bytes and 1024 of slack to align them to the 128-byte swizzle's
// period). wgmma PTX is sm_90a only. Q4_K (@gemm, M = 32) is decoded in
// a wgmma kernel into its A registers, reading the raw storage argument
// (a1): one warpgroup of 64 weight rows, wgmma m64n32k16 (N = the x
// rows), the 4 steps of a block (4 k16 slices each) per loop body (so
// at most 512 / 256 = 2 K splits), 4 x stages of 32 x rows and 3 raw
// stages (16384 + 9216 bytes, and the 1024 of slack). NF4 (@gemm_nf4, M =
// 64, 64-value blocks) too: its raw rows are 32 code bytes and a 4-byte
// absmax (cp.async.ca), two steps a loop body, plus a 1 KB table of code
// byte -> f16 pair.
// RUN: q4-nvptx %s -o %t/g --chip=sm_90a --mma-decode-once-min-rows=17 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90a -v %t/g.gemm_mxfp4_kernel_7.ptx -o %t/g8.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=NOSPILL
// RUN: %ptxas -arch=sm_90a -v %t/g.gemm_kernel_2.ptx -o %t/g2.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=NOSPILL
// RUN: FileCheck %s --check-prefix=WGMMA --input-file=%t/g.gemm_mxfp4_kernel_7.ptx
// RUN: FileCheck %s --check-prefix=WGREG --input-file=%t/g.gemm_kernel_2.ptx
// RUN: %ptxas -arch=sm_90a -v %t/g.gemm_nf4_kernel_4.ptx -o %t/g4.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=NOSPILL
// RUN: FileCheck %s --check-prefix=WGNF4 --input-file=%t/g.gemm_nf4_kernel_4.ptx
// RUN: FileCheck %s --check-prefix=WGSHARED --input-file=%t/g.manifest
// RUN: not %ptxas -arch=sm_90 %t/g.gemm_mxfp4_kernel_7.ptx -o %t/bad90.cubin
// WGMMA: .target sm_90a
// WGMMA-COUNT-4: wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// WGREG: .target sm_90a
// WGREG-COUNT-16: wgmma.mma_async.sync.aligned.m64n32k16.f32.f16.f16 {{{[^}]*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 0;
// WGREG-NOT: wgmma.mma_async
// WGNF4: .target sm_90a
// WGNF4: cp.async.ca.shared.global [{{[^]]*}}], [{{[^]]*}}], 4;
// WGNF4-COUNT-8: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{{[^}]*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 0;
// WGNF4-NOT: wgmma.mma_async
// WGSHARED: launch g.gemm_kernel_2.ptx gemm_kernel 1 4 2 128 1 1 shared=26624 s0 a1 s1
// WGSHARED: launch g.gemm_nf4_kernel_4.ptx gemm_nf4_kernel 1 4 4 128 1 1 shared=44032 s0 a1 s1
// WGSHARED: launch g.gemm_mxfp4_kernel_7.ptx gemm_mxfp4_kernel 2 1 8 256 1 1 shared=197632 s0 s1 s2
// A lane per whole block (32-value units: every format here has them).
// RUN: q4-nvptx %s -o %t/w --gemv-unit-lanes=1 --gemv-unit-values=32 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_90 -v %t/w.q4k_kernel.ptx -o %t/w.cubin 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOSPILL
// RUN: q4-nvptx %s -o %t/a --chip=sm_80 --features=+ptx70 --mma-gemv-min-rows=2
// RUN: %ptxas -arch=sm_80 %t/a.q4k_kernel.ptx -o %t/a.cubin
// RUN: %ptxas -arch=sm_80 %t/a.gemm_kernel_2.ptx -o %t/a_gemm.cubin
// RUN: %ptxas -arch=sm_80 %t/a.mma_gemv_kernel_9.ptx -o %t/a_mma_gemv.cubin
// RUN: %ptxas -arch=sm_80 %t/a.mma_gemv_q8_kernel_10.ptx -o %t/a_mma_gemv_q8.cubin
// RUN: %ptxas -arch=sm_80 %t/a.mma_gemv_nf4_kernel_11.ptx -o %t/a_mma_gemv_nf4.cubin
// RUN: %ptxas -arch=sm_80 %t/a.mma_gemv_mxfp4_kernel_12.ptx -o %t/a_mma_gemv_mxfp4.cubin
// ptxas itself can fail this test: PTX for sm_90 does not assemble for sm_75.
// RUN: not %ptxas -arch=sm_75 %t/k.q4k_kernel.ptx -o %t/bad.cubin

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>
!d = !quant4.blocked<256x512, #quant4.nf4<double_quant = true>>
!m = !quant4.blocked<256x512, #quant4.mxfp4>
!h = !quant4.blocked<256x512, #quant4.mxfp4<layout = hf>>

func.func @q4k(%x: tensor<1x512xf32>, %raw: tensor<73728xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @nf4(%x: tensor<16x512xf32>, %raw: tensor<73728xi8>) -> tensor<16x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<16x512xf32>, !n -> tensor<16x256xf32>
  return %y : tensor<16x256xf32>
}

func.func @nested(%x: tensor<4x512xf16>, %raw: tensor<67620xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<67620xi8> -> !d
  %y = quant4.matmul %x, %w : tensor<4x512xf16>, !d -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

func.func @mxfp4(%x: tensor<1x512xf32>, %raw: tensor<69632xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !m -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @gemm(%x: tensor<32x512xf32>, %raw: tensor<73728xi8>) -> tensor<32x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<32x512xf32>, !q -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}

func.func @gemm_nf4(%x: tensor<64x512xf32>, %raw: tensor<73728xi8>) -> tensor<64x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !n -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

func.func @gemm_mxfp4(%x: tensor<160x512xf32>, %raw: tensor<69632xi8>) -> tensor<160x256xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.matmul %x, %w : tensor<160x512xf32>, !m -> tensor<160x256xf32>
  return %y : tensor<160x256xf32>
}

func.func @dequant(%raw: tensor<73728xi8>) -> tensor<256x512xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.dequantize %w : !q -> tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}

// The tensor-core GEMV (quant4-gpu-mma-gemv: Q4_K, f32 activations,
// 2 <= M <= 16): x split into f16 halves, then the mma kernel.
func.func @mma_gemv(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !q -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

// The same with Q8_K activations: the rounding, then int8 mma.sync.
func.func @mma_gemv_q8(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w activations q8_k : tensor<4x512xf32>, !q -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

// NF4 on tensor cores (M = 4, f32 activations): the split, then the mma
// kernel with the codebook in workgroup memory.
func.func @mma_gemv_nf4(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !n -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

// MXFP4 on tensor cores (ggml blocks at M = 4; hf planes and f16 x at
// M = 16): the split in the codes' nibble order, then the mma kernel.
func.func @mma_gemv_mxfp4(%x: tensor<4x512xf32>, %raw: tensor<69632xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !m -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

func.func @mma_gemv_mxfp4_hf(%x: tensor<16x512xf16>, %raw: tensor<69632xi8>) -> tensor<16x256xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !h
  %y = quant4.matmul %x, %w : tensor<16x512xf16>, !h -> tensor<16x256xf32>
  return %y : tensor<16x256xf32>
}

// MXFP4 hf with K = 288: a whole unit, then a partial one of one block.
func.func @mma_gemv_mxfp4_tail(%x: tensor<4x288xf32>, %raw: tensor<4896xi8>) -> tensor<4x32xf32> {
  %w = quant4.from_bytes %raw : tensor<4896xi8> -> !quant4.blocked<32x288, #quant4.mxfp4<layout = hf>>
  %y = quant4.matmul %x, %w : tensor<4x288xf32>, !quant4.blocked<32x288, #quant4.mxfp4<layout = hf>> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

func.func @mma_gemv_mxfp4_ggml_tail(%x: tensor<4x288xf32>, %raw: tensor<4896xi8>) -> tensor<4x32xf32> {
  %w = quant4.from_bytes %raw : tensor<4896xi8> -> !quant4.blocked<32x288, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<4x288xf32>, !quant4.blocked<32x288, #quant4.mxfp4> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
