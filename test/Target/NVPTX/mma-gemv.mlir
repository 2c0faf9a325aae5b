// quant4-gpu-mma-gemv: GEMV-class Q4_K (NF4, MXFP4 below) matmuls with f32
// activations on tensor cores. A first launch splits x into scaled f16 halves per 32-value
// sub-block (k order 0, 2, 1, 3 in each run of 4) with the sub-block's sum
// and 2^-s; the second multiplies the exact f16 codes (1024 + q) - 1024
// with both halves through m16n8k16 mma.sync (16 weight columns per launch
// block, 8 warps splitting the K blocks) and adds the warps' sums in
// workgroup memory.
//
// RUN: q4-opt %s --quant4-gpu-mma-gemv=min-rows=1 | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemv="min-rows=1 max-rows=8" \
// RUN:   | FileCheck %s --check-prefix=ROWS
// RUN: q4-opt %s --quant4-gpu-mma-gemv | FileCheck %s --check-prefix=DEFAULT
// RUN: q4-opt %s --quant4-gpu-mma-gemv=max-rows=64 \
// RUN:   | FileCheck %s --check-prefix=ROWS64
// RUN: q4-opt %s --quant4-gpu-mma-gemv="warps=4 unroll=2" \
// RUN:   | FileCheck %s --check-prefix=UNROLL
// RUN: q4-opt %s --quant4-gpu-mma-gemv=col-tiles=2 \
// RUN:   | FileCheck %s --check-prefix=COLS2
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-nvptx-pipeline=mma-gemv-max-rows=0 \
// RUN:   | FileCheck %s --check-prefix=OFF
// RUN: rm -rf %t && mkdir -p %t && q4-nvptx %s -o %t/k
// RUN: FileCheck %s --check-prefix=MANIFEST --input-file=%t/k.manifest
// RUN: q4-nvptx %s -o %t/a --chip=sm_80 --features=+ptx70
// RUN: FileCheck %s --check-prefix=SM80 --input-file=%t/a.manifest
// RUN: q4-nvptx %s -o %t/n --programmatic-launch=false
// RUN: FileCheck %s --check-prefix=NOPDL --input-file=%t/n.manifest

!q = !quant4.blocked<32x512, #quant4.q4_k>

// M = 1: one 8-row tile (rows 1 - 7 are zeros); 32 / 16 = 2 launch blocks
// of 16 warps (2 x 8 warps would be far fewer than the 4096 a launch should
// have); 2 K blocks, so warps 2 - 15 only add zeros.
// CHECK-LABEL: func.func @m1(
// CHECK-SAME:      %[[X:.*]]: tensor<1x512xf32>, %[[RAW:.*]]: tensor<9216xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<1x32xf32>
// CHECK:         %[[HALVES:.*]] = memref.alloc() : memref<2x8x512xf16>
// CHECK:         %[[SUMS:.*]] = memref.alloc() : memref<16x4x4xf32>
// 8 x 512 / 8 = 512 threads: 2 launch blocks of 256.
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}}) threads({{.*}}) in ({{.*}} = %c256,
// CHECK:           vector.transfer_read %[[X]]
// CHECK:           gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK:           %[[HI:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK:           %[[LO:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK:           %[[HIP:.*]] = vector.shuffle %[[HI]], %[[HI]] [0, 2, 1, 3, 4, 6, 5, 7]
// CHECK:           vector.store %[[HIP]], %[[HALVES]][%c0
// CHECK:           %[[LOP:.*]] = vector.shuffle %[[LO]], %[[LO]] [0, 2, 1, 3, 4, 6, 5, 7]
// CHECK:           vector.store %[[LOP]], %[[HALVES]][%c1
// CHECK:           memref.store %{{.*}}, %[[SUMS]]
// CHECK:           memref.store %{{.*}}, %[[SUMS]]
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{.*}}) threads({{.*}}) in ({{.*}} = %c512
// CHECK-SAME:        workgroup(%[[PART:.*]] : memref<16x2x1x2x32xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for {{.*}} step %c16{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<2x2xf32>)
// Codes: the nibbles of bytes 0, 2 and 1, 3 as 1024 + q, minus 1024.
// CHECK-DAG:         arith.constant 983055 : i32
// CHECK-DAG:         arith.constant 1677747200 : i32
// CHECK-DAG:         arith.constant dense<1.024000e+03> : vector<8xf16>
// CHECK:             %[[CODES:.*]] = vector.shape_cast %{{.*}} : vector<8xf16> to vector<4x2xf16>
// Only lanes of row 0 load x.
// CHECK:             scf.if %{{.*}} -> (vector<8xf16>) {
// CHECK:               vector.load %[[HALVES]]
// CHECK:             nvgpu.mma.sync(%[[CODES]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK:             vector.load %[[SUMS]]
// CHECK:           gpu.barrier
// CHECK-COUNT-16:  memref.load %[[PART]]
// CHECK:           memref.store %{{.*}}, %[[Y]]
// By default M = 1 stays with quant4-gpu-gemv (faster there on an H100).
// DEFAULT-LABEL: func.func @m1(
// DEFAULT:         quant4.matmul
// DEFAULT-LABEL: func.func @m16(
// DEFAULT:         nvgpu.mma.sync
func.func @m1(%x: tensor<1x512xf32>, %raw: tensor<9216xi8>) -> tensor<1x32xf32> {
  %w = quant4.from_bytes %raw : tensor<9216xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// M = 16: two 8-row tiles, all rows real (no branch around the x loads),
// four mmas per sub-block and tile.
// CHECK-LABEL: func.func @m16(
// CHECK:         memref.alloc() : memref<2x16x512xf16>
// CHECK:         memref.alloc() : memref<16x8x4xf32>
// CHECK:         workgroup(%{{.*}} : memref<8x2x2x2x32xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for {{.*}} -> (vector<2x2xf32>, vector<2x2xf32>)
// CHECK-NOT:         scf.if
// CHECK-COUNT-4:     nvgpu.mma.sync
// CHECK:           gpu.barrier
// With col-tiles=2 two column tiles (32 columns: one launch block here)
// share each x load: per sub-block x's hi and lo of a row tile, then the
// first column tile's four mmas, then the second's. Their sums meet in
// workgroup memory [warp, 8-column group, row tile, 2, lane].
// COLS2-LABEL: func.func @m16(
// COLS2:         gpu.launch blocks({{.*}}) in (%{{[a-z0-9]+}} = %c1{{(_[0-9]+)?}}, {{.*}} workgroup(%{{.*}} : memref<8x4x2x2x32xf32, #gpu.address_space<workgroup>>)
// COLS2:           scf.for {{.*}} -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// COLS2-NOT:         scf.if
// COLS2-COUNT-2:     vector.load %{{.*}} : memref<2x16x512xf16>, vector<8xf16>
// COLS2-NOT:         vector.load %{{.*}} : memref<2x16x512xf16>
// COLS2-COUNT-8:     nvgpu.mma.sync
// COLS2:           gpu.barrier
// COLS2:           scf.for %{{.*}} = %{{.*}} to %c512 step %c256
// ROWS-LABEL: func.func @m16(
// ROWS:         quant4.matmul
func.func @m16(%x: tensor<16x512xf32>, %raw: tensor<9216xi8>) -> tensor<16x32xf32> {
  %w = quant4.from_bytes %raw : tensor<9216xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<16x512xf32>, !q -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// By default two column tiles from M = 9 when that leaves at least 4096
// (launch block, K unit) pairs: here N / 32 = 256 launch blocks x 16
// units (C = 1 above, with 1 x 2).
// CHECK-LABEL: func.func @wide(
// CHECK:         gpu.launch blocks({{.*}}) in (%{{[a-z0-9]+}} = %c256{{(_[0-9]+)?}}, {{.*}} workgroup(%{{.*}} : memref<8x4x2x2x32xf32, #gpu.address_space<workgroup>>)
func.func @wide(%x: tensor<16x4096xf32>, %raw: tensor<18874368xi8>) -> tensor<16x8192xf32> {
  %w = quant4.from_bytes %raw : tensor<18874368xi8> -> !quant4.blocked<8192x4096, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<16x4096xf32>, !quant4.blocked<8192x4096, #quant4.q4_k> -> tensor<16x8192xf32>
  return %y : tensor<16x8192xf32>
}

// M = 16, K = 4096 (16 blocks): by default 8 warps, one block a trip; with
// warps=4 unroll=2 each trip loads two blocks (kb, kb + 4) before their
// math, 16 = 2 x 8 blocks in two trips, no rest.
// CHECK-LABEL: func.func @k4096(
// CHECK:         scf.for %{{.*}} = %{{.*}} to %c16{{.*}} step %c8
// UNROLL-LABEL: func.func @k4096(
// UNROLL:         workgroup(%{{.*}} : memref<4x2x2x2x32xf32, #gpu.address_space<workgroup>>)
// UNROLL:         scf.for %[[KB:.*]] = %{{.*}} to %c12 step %c8{{.*}} iter_args
// UNROLL:           arith.addi %[[KB]], %c4
// UNROLL-COUNT-20:  vector.transfer_read %{{.*}} : tensor<73728xi8>, vector<{{8|16}}xi8>
// UNROLL:           nvgpu.mma.sync
// UNROLL:         gpu.barrier
// UNROLL-NOT:     iter_args
// UNROLL-LABEL: func.func @m17(
func.func @k4096(%x: tensor<16x4096xf32>, %raw: tensor<73728xi8>) -> tensor<16x32xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !quant4.blocked<32x4096, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<16x4096xf32>, !quant4.blocked<32x4096, #quant4.q4_k> -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Up to M = 64 with max-rows=64 (by default M > 16 is the GEMM class's):
// 3 row tiles, 24 padded rows; 16 x 24 = 384 outputs over 256 threads, so
// each thread adds up to two.
// ROWS64-LABEL: func.func @m17(
// ROWS64:         memref.alloc() : memref<2x24x512xf16>
// ROWS64:         workgroup(%{{.*}} : memref<8x2x3x2x32xf32, #gpu.address_space<workgroup>>)
// ROWS64:         gpu.barrier
// ROWS64:         scf.for %{{.*}} = %{{.*}} to %c384{{.*}} step %c256
// ROWS64-LABEL: func.func @n24(

// Left to quant4-gpu-gemv: M > 16.
// CHECK-LABEL: func.func @m17(
// CHECK:         quant4.matmul
func.func @m17(%x: tensor<17x512xf32>, %raw: tensor<9216xi8>) -> tensor<17x32xf32> {
  %w = quant4.from_bytes %raw : tensor<9216xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<17x512xf32>, !q -> tensor<17x32xf32>
  return %y : tensor<17x32xf32>
}

// N = 24, not a multiple of 16: ceil(24 / 16) = 2 launch blocks; the
// second one's columns 24 - 31 read column 23 and store nothing.
// CHECK-LABEL: func.func @n24(
// CHECK-NOT:     quant4.matmul
// CHECK:         gpu.launch
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{[_0-9]*}}, {{.*}}) threads
// CHECK:           %[[COL:.*]] = arith.minui %{{.*}}, %c23 : index
// CHECK:           arith.minui %{{.*}}, %c23{{[_0-9]*}} : index
// CHECK:           scf.for
// CHECK:             %[[ROWIN:.*]] = arith.cmpi ult, %{{.*}}, %c1{{[_0-9]*}} : index
// CHECK:             %[[COLIN:.*]] = arith.cmpi ult, %{{.*}}, %c24{{[_0-9]*}} : index
// CHECK:             %[[IN:.*]] = arith.andi %[[ROWIN]], %[[COLIN]]
// CHECK:             scf.if %[[IN]]
// CHECK:               memref.store %{{.*}}, %{{.*}} : memref<1x24xf32>
// CHECK-NOT:     quant4.matmul
func.func @n24(%x: tensor<1x512xf32>, %raw: tensor<6912xi8>) -> tensor<1x24xf32> {
  %w = quant4.from_bytes %raw : tensor<6912xi8> -> !quant4.blocked<24x512, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<24x512, #quant4.q4_k> -> tensor<1x24xf32>
  return %y : tensor<1x24xf32>
}

// NF4 (f32 activations): the lane's code bytes 4c .. 4c + 3 of each 16-byte
// sub-block, the codebook split into f16 hi | lo words in workgroup memory
// (filled by threads 0 - 15, then a barrier), three mmas a chunk half (hi .
// hi, hi . lo, lo . hi), absmax from buildBlockAffine.
// CHECK-LABEL: func.func @nf4(
// CHECK:         gpu.launch
// CHECK:         gpu.launch
// CHECK-SAME:        workgroup(%{{.*}} : memref<16x2x1x2x32xf32, #gpu.address_space<workgroup>>, %[[TABLE:.*]] : memref<16xi32, #gpu.address_space<workgroup>>)
// CHECK:           memref.store %{{.*}}, %[[TABLE]]
// CHECK:           gpu.barrier
// CHECK:           scf.for
// CHECK:             memref.load %[[TABLE]]
// CHECK-COUNT-6:     nvgpu.mma.sync
// DEFAULT-LABEL: func.func @nf4(
// DEFAULT:         quant4.matmul
func.func @nf4(%x: tensor<1x512xf32>, %raw: tensor<9216xi8>) -> tensor<1x32xf32> {
  %w = quant4.from_bytes %raw : tensor<9216xi8> -> !quant4.blocked<32x512, #quant4.nf4>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<32x512, #quant4.nf4> -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// By default MXFP4 takes the tensor cores from M = 1.
// DEFAULT-LABEL: func.func @mxfp4_m1(
// DEFAULT:         nvgpu.mma.sync
func.func @mxfp4_m1(%x: tensor<1x512xf32>, %raw: tensor<8704xi8>) -> tensor<1x32xf32> {
  %w = quant4.from_bytes %raw : tensor<8704xi8> -> !quant4.blocked<32x512, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<32x512, #quant4.mxfp4> -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// MXFP4 (f32 activations): the lane's word of each 32-value block's codes
// (ggml: qs bytes 4c .. 4c + 3, the block's 17 bytes past an 8-byte
// boundary: two aligned 4-byte loads funnel-shifted, here by 8 bits for
// block 0), its nibbles as f16 E2M1 x 2^-14 (exponent and mantissa bits to
// bits 9 - 11, sign to bit 15), two mmas a chunk half (codes . hi, codes .
// lo), then x 2^14 2^-s and the E8M0 scale. x is split in the nibbles'
// order: values 4c .. 4c + 3 and 16 + 4c .. 16 + 4c + 3 read as two runs.
// CHECK-LABEL: func.func @mxfp4(
// CHECK:         gpu.launch
// CHECK:           %[[LOW:.*]] = vector.transfer_read %{{.*}} : tensor<4x512xf32>, vector<4xf32>
// CHECK:           %[[HIGH:.*]] = vector.transfer_read %{{.*}} : tensor<4x512xf32>, vector<4xf32>
// CHECK:           vector.shuffle %[[LOW]], %[[HIGH]] [0, 1, 2, 3, 4, 5, 6, 7]
// CHECK:           vector.shuffle %{{.*}} [0, 2, 4, 6, 1, 3, 5, 7] : vector<8xf16>
// CHECK:         gpu.launch
// CHECK:           scf.for
// CHECK:             vector.transfer_read %{{.*}} : tensor<8704xi8>, vector<4xi8>
// CHECK:             vector.transfer_read %{{.*}} : tensor<8704xi8>, vector<4xi8>
// CHECK:             arith.shrui %{{.*}}, %c8_i32
// CHECK:             arith.shli %{{.*}}, %c24_i32
// CHECK-DAG:         %[[UNSCALE:.*]] = arith.constant dense<1.638400e+04> : vector<2x2xf32>
// CHECK-DAG:         arith.constant 234884608 : i32
// CHECK-DAG:         arith.constant -2147450880 : i32
// CHECK-COUNT-4:     nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-NOT:         nvgpu.mma.sync
// CHECK:             arith.mulf %[[UNSCALE]], %{{.*}} : vector<2x2xf32>
// DEFAULT-LABEL: func.func @mxfp4(
// DEFAULT:         nvgpu.mma.sync
func.func @mxfp4(%x: tensor<4x512xf32>, %raw: tensor<8704xi8>) -> tensor<4x32xf32> {
  %w = quant4.from_bytes %raw : tensor<8704xi8> -> !quant4.blocked<32x512, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !quant4.blocked<32x512, #quant4.mxfp4> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// MXFP4 hf planes: the word is the block's code bytes 4c .. 4c + 3 (one
// aligned load, no shift), x values 8c .. 8c + 7 read at once and paired
// as nibbles i and i + 4.
// CHECK-LABEL: func.func @mxfp4_hf(
// CHECK:         gpu.launch
// CHECK:           vector.transfer_read %{{.*}} : tensor<4x512xf32>, vector<8xf32>
// CHECK:           vector.shuffle %{{.*}} [0, 4, 1, 5, 2, 6, 3, 7] : vector<8xf16>
// CHECK:         gpu.launch
// CHECK:           scf.for
// CHECK:             vector.transfer_read %{{.*}} : tensor<8704xi8>, vector<4xi8>
// CHECK-NOT:         arith.shli
// CHECK:             vector.transfer_read %{{.*}} : tensor<8704xi8>, vector<4xi8>
// CHECK:             nvgpu.mma.sync
func.func @mxfp4_hf(%x: tensor<4x512xf32>, %raw: tensor<8704xi8>) -> tensor<4x32xf32> {
  %w = quant4.from_bytes %raw : tensor<8704xi8> -> !quant4.blocked<32x512, #quant4.mxfp4<layout = hf>>
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !quant4.blocked<32x512, #quant4.mxfp4<layout = hf>> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// Q8_K activations: x rounded to Q8_K (quant4-gpu-gemv's rounding launch),
// then per sub-block two int8 mmas (m16n8k32, i32): the nibbles with x's
// codes, all-ones with them (the codes' sums), scaled by the integer sc
// and m; per block d_x (d dots - dmin mins) in f32.
// CHECK-LABEL: func.func @q8(
// CHECK:         %[[CODES8:.*]] = memref.alloc() : memref<512xi8>
// CHECK:         %[[XD:.*]] = memref.alloc() : memref<2xf32>
// CHECK:         gpu.launch
// CHECK:         gpu.launch
// CHECK-DAG:       arith.constant dense<1> : vector<4x4xi8>
// CHECK-DAG:       arith.constant 252645135 : i32
// CHECK:           vector.load %[[CODES8]]{{.*}} : memref<512xi8>, vector<8xi8>
// CHECK:           nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// CHECK:           nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]}
// CHECK:           memref.load %[[XD]]
// CHECK:           arith.sitofp %{{.*}} : vector<2x2xi32> to vector<2x2xf32>
// DEFAULT-LABEL: func.func @q8(
// DEFAULT:         quant4.matmul
func.func @q8(%x: tensor<1x512xf32>, %raw: tensor<9216xi8>) -> tensor<1x32xf32> {
  %w = quant4.from_bytes %raw : tensor<9216xi8> -> !q
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x512xf32>, !q -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// Through the whole pipeline: f16 mma.sync in the PTX of @m16 (and not of
// @m1), none with the kernel turned off. For sm_90 the split lets the mma
// kernel launch at once (griddepcontrol.launch_dependents) and the mma
// kernel waits for it (griddepcontrol.wait), so the manifest launches it
// with programmatic stream serialization (pdl); not for sm_80.
// PTX: gpu.binary @m1_kernel
// PTX-NOT: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX: gpu.binary @m16_kernel
// PTX-SAME: griddepcontrol.launch_dependents
// PTX: gpu.binary @m16_kernel_0
// PTX-SAME: griddepcontrol.wait
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// MANIFEST:      func m16 3
// MANIFEST:      launch k.m16_kernel.ptx m16_kernel 4 1 1 256 1 1 a0 s0 s1
// MANIFEST-NEXT: launch k.m16_kernel_0.ptx m16_kernel 2 1 1 256 1 1 pdl a1 s0 s1 a2
// NOPDL:     func m16 3
// NOPDL:     launch n.m16_kernel_0.ptx m16_kernel 2 1 1 256 1 1 a1 s0 s1 a2
// NOPDL-NOT: pdl
// SM80:      func m16 3
// SM80:      launch a.m16_kernel_0.ptx m16_kernel 2 1 1 256 1 1 a1 s0 s1 a2
// SM80-NOT:  pdl
// OFF: gpu.binary @m16_kernel
// OFF-NOT: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// OFF: gpu.binary @m17_kernel

// MXFP4 in the hf layout with K = 288: one whole 256-value unit, then a
// partial one of a single block, which warp 1 % 8 = 1 takes after the loop
// (one code word and one scale per column). ggml's 17-byte blocks do not
// stay 4-byte aligned in such rows (9 blocks, 153 bytes a row): each code
// word is four byte reads instead of one or two word loads.
// CHECK-LABEL: func.func @mxfp4_tail(
// CHECK:         gpu.launch
// CHECK:         gpu.launch
// CHECK:           %[[WARP:.*]] = arith.divui %{{.*}}, %c32
// CHECK:           scf.for %{{.*}} = %[[WARP]] to %c1{{[_0-9]*}} step %c8
// CHECK:           %[[MINE:.*]] = arith.cmpi eq, %[[WARP]], %c1
// CHECK:           scf.if %[[MINE]] -> (vector<2x2xf32>, vector<2x2xf32>)
// Two row tiles x two chunk halves x (hi, lo).
// CHECK-COUNT-8:     nvgpu.mma.sync
// CHECK-NOT:         nvgpu.mma.sync
// CHECK:             scf.yield
// CHECK:           } else {
// CHECK-LABEL: func.func @mxfp4_ggml_tail(
// CHECK-NOT:     quant4.matmul
// CHECK:         gpu.launch
// CHECK:         gpu.launch
// CHECK-NOT:       vector.transfer_read %{{.*}} : tensor<4896xi8>
// CHECK:           tensor.extract %{{.*}} : tensor<4896xi8>
// CHECK-NOT:       vector.transfer_read %{{.*}} : tensor<4896xi8>
// CHECK:           scf.if %{{.*}} -> (vector<2x2xf32>, vector<2x2xf32>)
// CHECK-NOT:     quant4.matmul
func.func @mxfp4_tail(%x: tensor<16x288xf32>, %raw: tensor<4896xi8>) -> tensor<16x32xf32> {
  %w = quant4.from_bytes %raw : tensor<4896xi8> -> !quant4.blocked<32x288, #quant4.mxfp4<layout = hf>>
  %y = quant4.matmul %x, %w : tensor<16x288xf32>, !quant4.blocked<32x288, #quant4.mxfp4<layout = hf>> -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

func.func @mxfp4_ggml_tail(%x: tensor<16x288xf32>, %raw: tensor<4896xi8>) -> tensor<16x32xf32> {
  %w = quant4.from_bytes %raw : tensor<4896xi8> -> !quant4.blocked<32x288, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<16x288xf32>, !quant4.blocked<32x288, #quant4.mxfp4> -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}
