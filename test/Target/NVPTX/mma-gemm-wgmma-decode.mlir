// quant4-gpu-mma-gemm with `wgmma`, Q4_K weights and M <=
// wgmma-decode-max-rows (256): the wgmma kernel decodes the raw blocks
// itself, with no f16 weight buffer and no launch for it. Each K step's
// cp.async group brings the x rows into an x stage and, per thread, the
// raw bytes of the weight rows it decodes (the block's 16 header bytes and
// the step's 32 qs bytes) into a raw stage of 48-byte rows; after issuing
// step s's wgmma a thread waits for its own copies of step s + 1 and
// decodes them (f16x2 arithmetic: 0x6400 | q is 1024 + q) into one of 3
// decoded tiles in the 128-byte swizzle, which the tensor cores read for
// the next step.
//
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 max-splits=1" \
// RUN:   | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1" \
// RUN:   | FileCheck %s --check-prefix=DEF
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 wgmma-decode-max-rows=100" \
// RUN:   | FileCheck %s --check-prefix=MAX
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_90a" \
// RUN:   | FileCheck %s --check-prefix=PTX

!q = !quant4.blocked<256x512, #quant4.q4_k>

// M = 160: two row tiles of 128 x 256 (two warpgroups, 256 threads). The
// shared memory: 4 x stages of 128 rows of 64 halves (65536 bytes), 3
// decoded tiles of 256 rows (98304), 3 raw stages of 256 x 48 bytes
// (36864) and 1024 bytes of alignment slack.
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<160x512xf32>, %[[RAW:.*]]: tensor<73728xi8>
// CHECK-NOT:     memref<256x512xf16>
// CHECK:         %[[STORAGE:.*]] = bufferization.to_buffer %[[RAW]] read_only : tensor<73728xi8> to memref<73728xi8>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// CHECK-SAME:      dynamic_shared_memory_size %c201728_i32
// CHECK:           arith.subi %c1024
// CHECK:           %[[SHIFT:.*]] = arith.andi %{{.*}}, %c1023
// CHECK:           %[[DOFF:.*]] = arith.addi %[[SHIFT]], %c65536
// CHECK:           %[[DEC:.*]] = memref.view %{{.*}}[%[[DOFF]]][] : {{.*}} to memref<3x256x8xvector<8xf16>, #gpu.address_space<workgroup>>
// CHECK:           %[[ROFF:.*]] = arith.addi %[[SHIFT]], %c163840
// CHECK:           %[[RAWS:.*]] = memref.view %{{.*}}[%[[ROFF]]][] : {{.*}} to memref<3x256x48xi8, #gpu.address_space<workgroup>>
// CHECK:           %[[WORDS:.*]] = memref.view %{{.*}} to memref<3x256x3xvector<4xi32>, #gpu.address_space<workgroup>>
// CHECK:           %[[XS:.*]] = memref.view %{{.*}}[%[[SHIFT]]][] : {{.*}} to memref<4x128x64xf16, #gpu.address_space<workgroup>>
// Step 0's group: 4 x chunks a thread, then its weight row (row tid of the
// tile; N = 256, so the row is the tile's column base + tid, at most 255):
// the block's header, then qs bytes [16 + 32 (step mod 4), + 32).
// CHECK-COUNT-4:   nvgpu.device_async_copy {{.*}}, %[[XS]][%c0
// CHECK:           %[[COL:.*]] = arith.minui %{{.*}}, %c255
// CHECK:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %[[TID]], %c0{{[_0-9]*}}], 16
// CHECK:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %[[TID]], %c16{{[_0-9]*}}], 16
// CHECK:           nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c0{{[_0-9]*}}, %[[TID]], %c32{{[_0-9]*}}], 16
// CHECK:           nvgpu.device_async_create_group
// Step 1's group, then step 0 decoded into tile 0 once its group landed:
// CHECK-COUNT-4:   nvgpu.device_async_copy {{.*}}, %[[XS]][%c1
// CHECK-COUNT-3:   nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%c1
// CHECK:           %[[G1:.*]] = nvgpu.device_async_create_group
// CHECK:           nvgpu.device_async_wait %[[G1]] {numGroups = 1 : i32}
// CHECK:           memref.load %[[WORDS]][%c0{{[_0-9]*}}, %[[TID]], %c0
// CHECK:           memref.load %[[WORDS]][%c0{{[_0-9]*}}, %[[TID]], %c1
// CHECK:           memref.load %[[WORDS]][%c0{{[_0-9]*}}, %[[TID]], %c2
// Chunk c of the row goes to c xor (row mod 8).
// CHECK:           %[[ROW8:.*]] = arith.remui %[[TID]], %c8
// Sub-blocks 2 j and 2 j + 1's f16(d1) and f16(-m1), splat.
// CHECK:           %[[D1:.*]] = vector.broadcast %{{.*}} : f16 to vector<8xf16>
// CHECK:           arith.negf
// CHECK:           %[[NM1:.*]] = vector.broadcast %{{.*}} : f16 to vector<8xf16>
// CHECK:           %[[D2:.*]] = vector.broadcast %{{.*}} : f16 to vector<8xf16>
// CHECK:           arith.negf
// CHECK:           %[[NM2:.*]] = vector.broadcast %{{.*}} : f16 to vector<8xf16>
// Low nibbles of the first qs word, pairs of bytes in 16-bit halves with
// 0x6400 above them (1024 + q as f16).
// CHECK:           arith.andi %{{.*}}, %c252645135_i32
// CHECK:           arith.ori %{{.*}}, %c1677747200_i32
// CHECK:           %[[BIASED:.*]] = vector.bitcast %{{.*}} : vector<4xi32> to vector<8xf16>
// CHECK:           %[[Q:.*]] = arith.subf %[[BIASED]], %{{.*}} : vector<8xf16>
// CHECK:           %[[Y:.*]] = vector.fma %[[Q]], %[[D1]], %[[NM1]] : vector<8xf16>
// CHECK:           %[[C0:.*]] = arith.xori %c0{{[_0-9]*}}, %[[ROW8]]
// CHECK:           memref.store %[[Y]], %[[DEC]][%c0{{[_0-9]*}}, %[[TID]], %[[C0]]]
// CHECK-COUNT-3:   memref.store %{{.*}}, %[[DEC]][%c0
// Chunks 4 - 7: high nibbles, sub-block 2 j + 1's scales.
// CHECK:           arith.shrui %{{.*}}, %c4_i32
// CHECK:           vector.fma %{{.*}}, %[[D2]], %[[NM2]] : vector<8xf16>
// CHECK:           memref.store %{{.*}}, %[[DEC]][%c0
// CHECK-COUNT-3:   memref.store %{{.*}}, %[[DEC]][%c0
// CHECK-NEXT:      nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT:      gpu.barrier
// The loop: step s multiplies x stage s mod 4 by decoded tile s mod 3 (at
// 65536 + 32768 (s mod 3) bytes).
// CHECK:           scf.for %[[S:.*]] = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args
// CHECK:             nvvm.wgmma.fence.aligned
// CHECK:             %[[T:.*]] = arith.remui %[[S]], %c3
// CHECK:             %[[TOFF:.*]] = arith.muli %[[T]], %c32768
// CHECK:             arith.addi %[[TOFF]], %c65536
// CHECK-COUNT-4:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
// CHECK-NEXT:        nvvm.wgmma.commit.group.sync.aligned
// Step s + 2's copies go to raw stage (s + 2) mod 3; step s + 1 is then
// decoded from raw stage (s + 1) mod 3 into decoded tile (s + 1) mod 3
// while the tensor cores multiply, before waiting for step s - 1's wgmma.
// CHECK:             %[[AHEAD:.*]] = arith.addi %[[S]], %c2
// CHECK:             arith.remui %[[AHEAD]], %c4
// CHECK:             %[[RAHEAD:.*]] = arith.remui %[[AHEAD]], %c3
// CHECK-COUNT-4:     nvgpu.device_async_copy {{.*}}, %[[XS]]
// CHECK-COUNT-3:     nvgpu.device_async_copy %[[STORAGE]][%{{.*}}], %[[RAWS]][%[[RAHEAD]], %[[TID]],
// CHECK:             %[[G:.*]] = nvgpu.device_async_create_group
// CHECK:             %[[NEXT:.*]] = arith.addi %[[S]], %c1
// CHECK:             nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// CHECK:             %[[RNEXT:.*]] = arith.remui %[[NEXT]], %c3
// CHECK:             %[[TNEXT:.*]] = arith.remui %[[NEXT]], %c3
// CHECK:             memref.load %[[WORDS]][%[[RNEXT]], %[[TID]], %c0
// CHECK-COUNT-8:     memref.store %{{.*}}, %[[DEC]][%[[TNEXT]], %[[TID]],
// CHECK-NEXT:        nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NEXT:        nvvm.fence.proxy
// CHECK-NEXT:        gpu.barrier
// CHECK-NEXT:        scf.yield
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0

// The defaults: every M from min-rows (17) on takes the wgmma kernel, which
// decodes Q4_K itself up to M = 256. At M <= 64 one warpgroup: 64 x 256
// tiles up to M = 32 (2 rows a thread), 64 x 128 above.
// DEF-LABEL: func.func @q4k(
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}},
// DEF:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
// DEF-LABEL: func.func @q4k_m32(
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c128{{[_0-9]*}},
// DEF-SAME:      dynamic_shared_memory_size %c168960_i32
// DEF:           memref<3x256x48xi8, #gpu.address_space<workgroup>>
// DEF:           nvgpu.device_async_copy {{.*}} to memref<3x256x48xi8
// DEF:           nvgpu.device_async_copy {{.*}} to memref<3x256x48xi8
// DEF:           nvgpu.device_async_copy {{.*}} to memref<3x256x48xi8
// DEF:           nvgpu.device_async_copy {{.*}} to memref<3x256x48xi8
// DEF:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
// DEF-LABEL: func.func @q4k_m48(
// DEF-NOT:     memref<256x512xf16>
// DEF:         gpu.launch {{.*}} in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2{{[_0-9]*}}, {{.*}}) threads({{.*}}) in ({{.*}} = %c128{{[_0-9]*}},
// DEF:           memref<3x128x48xi8, #gpu.address_space<workgroup>>
// DEF:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// Above 256 rows the weights are decoded once, first.
// DEF-LABEL: func.func @q4k_m288(
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
// MAX:         nvvm.wgmma.mma_async

// The kernel assembles to 16-byte shared loads of the raw rows, f16x2 math,
// and 16-byte shared stores of the decoded chunks.
// PTX-LABEL: func.func @q4k(
// PTX:       gpu.binary @q4k_kernel_0 [#gpu.object<#nvvm.target<chip = "sm_90a"
// PTX-SAME:    cp.async.cg.shared.global
// PTX-SAME:    wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// PTX-SAME:    ld.shared.v4.b32
// PTX-SAME:    add.rn.f16x2
// PTX-SAME:    fma.rn.f16x2
// PTX-SAME:    st.shared.v4.b32
// PTX-SAME:    wgmma.wait_group.sync.aligned{{[^;]*}}1;
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

func.func @q4k_m288(%x: tensor<288x512xf32>, %raw: tensor<73728xi8>) -> tensor<288x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<288x512xf32>, !q -> tensor<288x256xf32>
  return %y : tensor<288x256xf32>
}
