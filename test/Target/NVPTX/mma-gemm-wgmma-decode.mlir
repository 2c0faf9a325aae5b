// quant4-gpu-mma-gemm with `wgmma`, Q4_K or NF4 weights and M <=
// wgmma-decode-max-rows (512): a wgmma kernel decodes the raw blocks
// itself, with no f16 weight buffer and no launch for it. The weights are
// wgmma's A operand, decoded straight into registers; x is the B operand
// (wgmma m64nBMk16, N = the tile's x rows), so the accumulators hold the
// transposed output tile. Each K step's cp.async group brings the x rows
// and the raw rows (the block's 16 header bytes and the step's 32 qs bytes
// in 48-byte rows, two threads a row); each thread turns the byte pairs
// of its A fragments into f16 pairs (0x6400 | q is 1024 + q) and
// multiplies while the previous step's wgmma runs. A loop iteration runs
// the 4 steps of a block, so a wgmma's A registers are not rewritten before
// it completes and each step's sub-blocks are constants.
//
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 max-splits=1" \
// RUN:   | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1" \
// RUN:   | FileCheck %s --check-prefix=DEF
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 wgmma-decode-max-rows=100" \
// RUN:   | FileCheck %s --check-prefix=MAX
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_90a" \
// RUN:   | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 max-splits=1" \
// RUN:   | FileCheck %s --check-prefix=NF4

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>
!d = !quant4.blocked<256x512, #quant4.nf4<double_quant = true>>

// M = 160 > 128: two warpgroups, 128 weight rows, all 160 x rows (M
// rounded up to the 32 rows one pass of the copies covers): 1 x 2 launch
// blocks of 256 threads. Shared memory: 4 x stages of 160 rows of 64
// halves (81920 bytes), 1024 bytes of alignment slack, 3 raw stages of
// 128 x 48 bytes (18432).
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<160x512xf32>, %[[RAW:.*]]: tensor<73728xi8>
// CHECK-NOT:     memref<256x512xf16>
// CHECK:         %[[STORAGE:.*]] = bufferization.to_buffer %[[RAW]] read_only : tensor<73728xi8> to memref<73728xi8>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// CHECK-SAME:      dynamic_shared_memory_size %c101376_i32
// CHECK:           arith.subi %c1024
// CHECK:           %[[SHIFT:.*]] = arith.andi %{{.*}}, %c1023
// CHECK:           %[[ROFF:.*]] = arith.addi %[[SHIFT]], %c81920
// CHECK:           %[[RAWS:.*]] = memref.view %{{.*}}[%[[ROFF]]][] : {{.*}} to memref<3x128x48xi8, #gpu.address_space<workgroup>>
// CHECK:           %[[HEADERS:.*]] = memref.view {{.*}} to memref<3x128x3xvector<4xi32>, #gpu.address_space<workgroup>>
// CHECK:           %[[WORDS:.*]] = memref.view {{.*}} to memref<3x128x12xi32, #gpu.address_space<workgroup>>
// CHECK:           %[[XS:.*]] = memref.view %{{.*}}[%[[SHIFT]]][] : {{.*}} to memref<4x160x64xf16, #gpu.address_space<workgroup>>
// Step 0's group: 160 x 8 chunks over 256 threads (5 each), then the raw
// row tid / 2 (the tile's weight row, at most 255): chunks 2 (tid mod 2)
// and min(2 (tid mod 2) + 1, 2), the header (block byte 0) or qs bytes
// (block bytes 32 (step mod 4) + 16 chunk).
// CHECK-COUNT-5:   nvgpu.device_async_copy {{.*}}, %[[XS]][%c0
// CHECK:           %[[ROW:.*]] = arith.divui %[[TID]], %c2
// CHECK:           %[[HALF:.*]] = arith.remui %[[TID]], %c2
// CHECK:           arith.minui %{{.*}}, %c255
// CHECK:           %[[FIRST:.*]] = arith.muli %[[HALF]], %c2
// CHECK:           %[[HEADER:.*]] = arith.cmpi eq, %[[FIRST]], %c0
// CHECK:           %[[SRC:.*]] = arith.select %[[HEADER]]
// CHECK:           %[[DST:.*]] = arith.muli %[[FIRST]], %c16
// CHECK:           nvgpu.device_async_copy %[[STORAGE]][%[[SRC]]], %[[RAWS]][%c0{{[_0-9]*}}, %[[ROW]], %[[DST]]], 16
// CHECK:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %[[ROW]], %{{.*}}], 16
// CHECK:           nvgpu.device_async_create_group
// CHECK-COUNT-5:   nvgpu.device_async_copy {{.*}}, %[[XS]][%c1
// CHECK-COUNT-2:   nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c1
// CHECK:           %[[G1:.*]] = nvgpu.device_async_create_group
// CHECK:           nvgpu.device_async_wait %[[G1]] {numGroups = 1 : i32}
// CHECK:           nvvm.fence.proxy
// CHECK:           gpu.barrier
// The 4 steps of a block per iteration: 512 / 64 = 8 steps, 2 iterations.
// CHECK:           %[[ACC:.*]] = scf.for %[[S:.*]] = %c0{{.*}} to %c8{{.*}} step %c4{{.*}} iter_args
// Step s decodes raw stage s mod 3. Lane l of warp w of warpgroup g: rows
// 64 g + 16 w + l / 4 and + 8; byte pair 2 (l mod 4) + 8 t is half
// (l mod 4) mod 2 of raw word 4 + (l mod 4) / 2 + 2 t.
// CHECK:             %[[RSTAGE:.*]] = arith.remui %[[S]], %c3
// CHECK:             %[[QUAD:.*]] = arith.remui %{{.*}}, %c4
// CHECK:             %[[WG:.*]] = arith.divui %[[TID]], %c128
// CHECK:             %[[WORD0:.*]] = arith.addi %{{.*}}, %c4
// CHECK:             memref.load %[[HEADERS]][%[[RSTAGE]], %[[ROW0:.*]], %c0
// CHECK:             %[[W:.*]] = memref.load %[[WORDS]][%[[RSTAGE]], %[[ROW0]], %[[WORD0]]]
// CHECK:             %[[PAIR:.*]] = arith.shrui %[[W]], %[[SHIFT16:.*]] : i32
// The first step of the block: sub-block 0's f16(d1) and f16(-m1) as f16
// pairs.

// CHECK:             %[[D1:.*]] = vector.broadcast %{{.*}} : f16 to vector<2xf16>
// CHECK:             arith.negf
// CHECK:             %[[NM1:.*]] = vector.broadcast %{{.*}} : f16 to vector<2xf16>
// Low nibbles of b0 and b1 at bits 0 and 16, 0x6400 above each.
// CHECK:             arith.andi %[[PAIR]], %c15_i32
// CHECK:             arith.shli %[[PAIR]], %c8_i32
// CHECK:             arith.andi %{{.*}}, %c983040_i32
// CHECK:             %[[BITS:.*]] = arith.ori %{{.*}}, %c1677747200_i32
// CHECK:             %[[BIASED:.*]] = llvm.bitcast %[[BITS]] : i32 to vector<2xf16>
// CHECK:             %[[Q:.*]] = arith.subf %[[BIASED]], %{{.*}} : vector<2xf16>
// CHECK:             %[[Y:.*]] = vector.fma %[[Q]], %[[D1]], %[[NM1]] : vector<2xf16>
// CHECK:             %[[A0:.*]] = llvm.bitcast %[[Y]] : vector<2xf16> to i32
// Four k16 slices of x stage s mod 4, 32 bytes apart; A from registers.
// CHECK:             %[[XSTAGE:.*]] = arith.remui %[[S]], %c4
// CHECK:             arith.muli %[[XSTAGE]], %c20480
// CHECK:             nvvm.wgmma.fence.aligned
// CHECK:             llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n160k16.f32.f16.f16 {$0, {{.*}}, $79}, {$160, $161, $162, $163}, $164, p, 1, 1, 0;{{.*}}"=f,{{.*}},79,r,r,r,r,l" {{.*}}, %[[A0]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : {{.*}} -> !llvm.struct<({{(f32, )+}}f32)>
// CHECK-COUNT-3:     llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n160k16
// CHECK-NEXT:        nvvm.wgmma.commit.group.sync.aligned
// Step s + 2's copies: x stage (s + 2) mod 4, raw stage (s + 2) mod 3.
// CHECK:             %[[AHEAD:.*]] = arith.addi %[[S]], %c2
// CHECK:             arith.remui %[[AHEAD]], %c4
// CHECK:             %[[RAHEAD:.*]] = arith.remui %[[AHEAD]], %c3
// CHECK-COUNT-5:     nvgpu.device_async_copy {{.*}}, %[[XS]]
// CHECK:             nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%[[RAHEAD]],
// CHECK:             nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%[[RAHEAD]],
// CHECK-NEXT:        %[[G:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:        nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NEXT:        nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// CHECK-NEXT:        nvvm.fence.proxy
// CHECK-NEXT:        gpu.barrier
// Steps s + 1, s + 2, s + 3 of the block.
// CHECK:             %[[S1:.*]] = arith.addi %[[S]], %c1
// CHECK:             arith.remui %[[S1]], %c3
// CHECK-COUNT-4:     wgmma.mma_async.sync.aligned.m64n160k16
// CHECK:             %[[S2:.*]] = arith.addi %[[S]], %c2
// CHECK:             arith.remui %[[S2]], %c3
// CHECK-COUNT-4:     wgmma.mma_async.sync.aligned.m64n160k16
// CHECK:             %[[S3:.*]] = arith.addi %[[S]], %c3
// CHECK:             arith.remui %[[S3]], %c3
// CHECK-COUNT-4:     wgmma.mma_async.sync.aligned.m64n160k16
// CHECK:             nvvm.wgmma.wait.group.sync.aligned 1
// CHECK:             gpu.barrier
// CHECK-NEXT:        scf.yield
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0
// Register 4 j + 2 i + c: weight row 64 g + 16 w + l / 4 + 8 i, x row 8 j
// + 2 (l mod 4) + c; stored one by one at y[x row, weight row].
// CHECK:           %[[V:.*]] = llvm.extractvalue %[[ACC]][0]
// CHECK:           %[[V1:.*]] = llvm.extractvalue %[[ACC]][1]
// CHECK:           %[[IN:.*]] = arith.andi
// CHECK:           scf.if %[[IN]] {
// CHECK-NEXT:        memref.store %[[V]], %{{.*}}[%[[XROW:.*]], %[[WROW:.*]]] : memref<160x256xf32>
// CHECK:           %[[XROW1:.*]] = arith.addi %[[XROW]], %c1
// CHECK:             memref.store %[[V1]], %{{.*}}[%[[XROW1]], %[[WROW]]] : memref<160x256xf32>
// CHECK-NOT:       vector.store
// CHECK:           gpu.terminator

// The defaults: every M from min-rows (17) on takes the wgmma kernel,
// which decodes Q4_K itself up to M = 512; up to M = 128 one warpgroup
// (64 weight rows), so N = 256 makes 4 column tiles.
// DEF-LABEL: func.func @q4k(
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch {{.*}} in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2{{[_0-9]*}}, {{.*}}) threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}},
// DEF:           wgmma.mma_async.sync.aligned.m64n160k16
// DEF-LABEL: func.func @q4k_m32(
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch {{.*}} in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c4{{[_0-9]*}}, {{.*}}) threads({{.*}}) in ({{.*}} = %c128{{[_0-9]*}},
// DEF-SAME:      dynamic_shared_memory_size %c26624_i32
// DEF:           memref<3x64x48xi8, #gpu.address_space<workgroup>>
// DEF:           wgmma.mma_async.sync.aligned.m64n32k16
// f16 x (M = 48) is copied from its buffer as it is; one warpgroup copies
// 16 rows a pass, so the tile has exactly 48 x rows.
// DEF-LABEL: func.func @q4k_m48(
// DEF-SAME:      %[[X48:.*]]: tensor<48x512xf16>
// DEF:         %[[XB:.*]] = bufferization.to_buffer %[[X48]] read_only
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch
// DEF:           nvgpu.device_async_copy %[[XB]][
// DEF:           wgmma.mma_async.sync.aligned.m64n48k16
// Above 512 rows the weights are decoded once, first.
// DEF-LABEL: func.func @q4k_m1056(
// DEF:         memref.alloc() : memref<256x512xf16>
// DEF:         gpu.launch
// DEF:         gpu.launch
// DEF-NOT:       x48xi8
// DEF:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>

// wgmma-decode-max-rows=100: M = 160 decodes once again.
// MAX-LABEL: func.func @q4k(
// MAX:         memref.alloc() : memref<256x512xf16>
// MAX-LABEL: func.func @q4k_m32(
// MAX-NOT:     memref<256x512xf16>
// MAX:         wgmma.mma_async.sync.aligned.m64n32k16

// The kernel assembles to 16-byte and 4-byte shared loads of the raw rows,
// f16x2 math and wgmma with A registers.
// PTX-LABEL: func.func @q4k(
// PTX:       gpu.binary @q4k_kernel_{{[0-9]+}} [#gpu.object<#nvvm.target<chip = "sm_90a"
// PTX-SAME:    cp.async.cg.shared.global
// PTX-SAME:    ld.shared.v4.b32
// PTX-SAME:    ld.shared.b32
// PTX-SAME:    add.rn.f16x2
// PTX-SAME:    fma.rn.f16x2
// PTX-SAME:    wgmma.fence.sync.aligned
// PTX-SAME:    wgmma.mma_async.sync.aligned.m64n160k16.f32.f16.f16 {{{[^}]*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 0;
// PTX-SAME:    wgmma.wait_group.sync.aligned{{[^;]*}}1;
// NF4 with 64-value blocks (a K step is a block): M = 64, one warpgroup.
// The raw row is the block's 32 code bytes (one 16-byte chunk a thread) and
// its f32 absmax (4 bytes at byte 32, from the plane after the 65536 code
// bytes; cp.async.ca). Before the prologue, the threads fill a 256-entry
// table (1 KB after the raw stages) with the f16 pair each code byte
// stands for: (codebook[c >> 4], codebook[c & 15]), the first value in the
// high nibble. Shared memory: 4 x 8192 + 1024 + 3 x 3072 + 1024 bytes.
// NF4-LABEL: func.func @nf4(
// NF4-NOT:     memref<256x512xf16>
// NF4:         %[[STORAGE:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<73728xi8> to memref<73728xi8>
// NF4:         gpu.launch {{.*}} in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c4{{[_0-9]*}}, {{.*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c128{{[_0-9]*}},
// NF4-SAME:      dynamic_shared_memory_size %c44032_i32
// NF4:           %[[RAWS:.*]] = memref.view {{.*}} to memref<3x64x48xi8, #gpu.address_space<workgroup>>
// NF4:           %[[CHUNKS:.*]] = memref.view {{.*}} to memref<3x64x3xvector<4xi32>, #gpu.address_space<workgroup>>
// NF4:           %[[WORDS:.*]] = memref.view {{.*}} to memref<3x64x12xi32, #gpu.address_space<workgroup>>
// NF4:           %[[TABLE:.*]] = memref.view {{.*}} to memref<256xi32, #gpu.address_space<workgroup>>
// NF4:           %[[C:.*]] = arith.index_castui %[[TID]] : index to i32
// NF4:           %[[HI:.*]] = arith.shrui %[[C]], %c4_i32
// NF4:           %[[LO:.*]] = arith.andi %[[C]], %c15_i32
// NF4:           arith.select {{.*}} : vector<2xi1>, vector<2xf32>
// NF4:           %[[PAIR:.*]] = arith.truncf %{{.*}} : vector<2xf32> to vector<2xf16>
// NF4:           %[[BITS:.*]] = llvm.bitcast %[[PAIR]] : vector<2xf16> to i32
// NF4:           memref.store %[[BITS]], %[[TABLE]][%[[TID]]]
// NF4:           memref.store %{{.*}}, %[[TABLE]][%{{.*}}]
// NF4:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %{{.*}}, %{{.*}}], 16 {bypassL1}
// NF4:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %{{.*}}, %c32{{[_0-9]*}}], 4 :
// Two steps a loop iteration (512 / 64 = 8 steps).
// NF4:           scf.for %[[S:.*]] = %c0{{.*}} to %c8{{.*}} step %c2{{.*}} iter_args
// NF4:             %[[ABS:.*]] = memref.load %[[WORDS]][%{{.*}}, %{{.*}}, %c8{{[_0-9]*}}]
// NF4:             %[[ABSF:.*]] = llvm.bitcast %[[ABS]] : i32 to f32
// NF4:             %[[ABSH:.*]] = arith.truncf %[[ABSF]] : f32 to f16
// NF4:             %[[SCALE:.*]] = vector.broadcast %[[ABSH]] : f16 to vector<2xf16>
// NF4:             %[[W4:.*]] = memref.load %[[CHUNKS]][%{{.*}}, %{{.*}}, %c0{{[_0-9]*}}]
// NF4:             %[[W:.*]] = vector.extract %[[W4]][0]
// NF4:             %[[SH:.*]] = arith.shrui %[[W]], %{{.*}} : i32
// NF4:             %[[CODE:.*]] = arith.andi %[[SH]], %c255_i32
// NF4:             %[[AT:.*]] = arith.index_castui %[[CODE]]
// NF4:             %[[E:.*]] = memref.load %[[TABLE]][%[[AT]]]
// NF4:             %[[EP:.*]] = llvm.bitcast %[[E]] : i32 to vector<2xf16>
// NF4:             arith.mulf %[[EP]], %[[SCALE]] : vector<2xf16>
// NF4:             llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16
// NF4-COUNT-3:     llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16
// NF4:             nvvm.wgmma.commit.group.sync.aligned
// NF4-COUNT-4:     llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16
// NF4:             scf.yield
// Double-quantized absmax is not decoded in the kernel: NF4's defaults
// (decode once from M = 160; below, mma.sync decoding in the kernel).
// NF4-LABEL: func.func @nf4_double_quant(
// NF4-NOT:     x48xi8
// NF4:         nvgpu.mma.sync
// NF4-NOT:     x48xi8
// K = 320: 5 blocks a row, an odd number of steps for a loop that runs
// two a iteration: NF4's defaults as without the register kernel (at
// M = 64 mma.sync decoding in the kernel), no raw stages.
// NF4-LABEL: func.func @nf4_odd_steps(
// NF4-NOT:     x48xi8
// NF4:         nvgpu.mma.sync
// NF4-NOT:     x48xi8
// NF4-LABEL: func.func @q4k(
func.func @nf4(%x: tensor<64x512xf32>, %raw: tensor<73728xi8>) -> tensor<64x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !n -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

func.func @nf4_double_quant(%x: tensor<64x512xf32>, %raw: tensor<67620xi8>) -> tensor<64x256xf32> {
  %w = quant4.from_bytes %raw : tensor<67620xi8> -> !d
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !d -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

func.func @nf4_odd_steps(%x: tensor<64x320xf32>, %raw: tensor<5760xi8>) -> tensor<64x32xf32> {
  %w = quant4.from_bytes %raw : tensor<5760xi8> -> !quant4.blocked<32x320, #quant4.nf4>
  %y = quant4.matmul %x, %w : tensor<64x320xf32>, !quant4.blocked<32x320, #quant4.nf4> -> tensor<64x32xf32>
  return %y : tensor<64x32xf32>
}

func.func @q4k(%x: tensor<160x512xf32>, %raw: tensor<73728xi8>) -> tensor<160x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<160x512xf32>, !q -> tensor<160x256xf32>
  return %y : tensor<160x256xf32>
}

func.func @q4k_m32(%x: tensor<32x512xf32>, %raw: tensor<73728xi8>) -> tensor<32x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<32x512xf32>, !q -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}

func.func @q4k_m48(%x: tensor<48x512xf16>, %raw: tensor<73728xi8>) -> tensor<48x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<48x512xf16>, !q -> tensor<48x256xf32>
  return %y : tensor<48x256xf32>
}

func.func @q4k_m1056(%x: tensor<1056x512xf32>, %raw: tensor<73728xi8>) -> tensor<1056x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<1056x512xf32>, !q -> tensor<1056x256xf32>
  return %y : tensor<1056x256xf32>
}
