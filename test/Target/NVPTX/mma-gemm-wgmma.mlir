// quant4-gpu-mma-gemm with `wgmma` (the NVPTX pipeline sets it for
// --chip=sm_90a): the mma kernel on decoded-once weights is a wgmma
// kernel. Two warpgroups (256 threads; one at M <= 64) share a 64 W x BN
// tile, each multiplying its 64 rows by all BN columns with
// wgmma.mma_async m64nBNk16; both operands come from cp.async stages of
// K = 64 halves (128-byte rows, swizzled chunk c ^ row % 8), aligned to
// 1024 bytes so the tensor cores' 128-byte swizzle reads what the copies
// wrote. With S stages the copies run S - 2 steps ahead and one wgmma
// group stays in flight. `wgmma` also moves the default decode-once
// threshold down to M = 128 for Q4_K and 160 for NF4 (MXFP4: 64). This
// file turns off the kernel's own Q4_K decode (wgmma-decode-max-rows=0;
// mma-gemm-wgmma-decode.mlir tests it).
//
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 wgmma-decode-max-rows=0 decode-once-min-rows=80 max-splits=1 wgmma-tile-n=128" \
// RUN:   | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 wgmma-decode-max-rows=0" \
// RUN:   | FileCheck %s --check-prefix=DEF
// RUN: q4-opt %s --quant4-gpu-mma-gemm \
// RUN:   | FileCheck %s --check-prefix=OFF
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_90a mma-wgmma-decode-max-rows=0" \
// RUN:   | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_90" \
// RUN:   | FileCheck %s --check-prefix=PTX90
// RUN: q4-opt %s --quant4-nvptx-pipeline="chip=sm_90a mma-wgmma=0" \
// RUN:   | FileCheck %s --check-prefix=PTX90

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>
!m = !quant4.blocked<256x512, #quant4.mxfp4>

// M = 160, N = 256, BN = 128: 2 x 2 launch blocks of 256 threads; 4
// stages of 128 + 128 rows of 64 halves (131072 bytes) plus 1024 of slack.
// Thread t copies chunk t % 8 of rows t / 8 + 32 i, 8 copies a step; the
// first 2 steps are in flight before the loop, then 512 / 64 = 8 steps.
// CHECK-LABEL: func.func @q4k(
// CHECK:         %[[WH:.*]] = memref.alloc() : memref<256x512xf16>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{[_0-9]*}}, {{.*}} = %c2{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// CHECK-SAME:      dynamic_shared_memory_size %c132096_i32
// CHECK-NOT:       nvgpu.ldmatrix
// CHECK:           %[[SHM:.*]] = gpu.dynamic_shared_memory
// The stages start at the first 1024-aligned byte; their address seeds the
// descriptors.
// CHECK:           %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[SHM]]
// CHECK:           %[[LOW:.*]] = arith.andi %[[P]], %c1023
// CHECK:           %[[UP:.*]] = arith.subi %c1024, %[[LOW]]
// CHECK:           %[[SHIFT:.*]] = arith.andi %[[UP]], %c1023
// CHECK:           %[[ADDR:.*]] = arith.addi %[[P]], %[[SHIFT]]
// CHECK:           %[[ADDR64:.*]] = arith.index_castui %[[ADDR]] : index to i64
// CHECK:           %[[T:.*]] = memref.view %[[SHM]][%[[SHIFT]]][] : {{.*}} to memref<4x256x64xf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-8:   nvgpu.device_async_copy {{.*}}, %[[T]][%c0{{[_0-9]*}},
// CHECK-NEXT:      nvgpu.device_async_create_group
// CHECK-COUNT-8:   nvgpu.device_async_copy {{.*}}, %[[T]][%c1{{[_0-9]*}},
// CHECK-NEXT:      %[[G1:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:      nvgpu.device_async_wait %[[G1]] {numGroups = 1 : i32}
// CHECK-NEXT:      nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT:      gpu.barrier
// Descriptor: (address mod 2^18) / 16, leading offset 1, stride offset
// 1024 / 16, 128-byte swizzle: 1 << 62 | 64 << 32 | 1 << 16.
// CHECK:           %[[MASKED:.*]] = arith.andi %[[ADDR64]], %c262143_i64
// CHECK:           %[[START:.*]] = arith.shrui %[[MASKED]], %c4_i64
// CHECK:           %[[DESC:.*]] = arith.ori %[[START]], %c4611686293305360384_i64
// Warpgroup g's A rows start 64 x 128 bytes in.
// CHECK:           %[[WG:.*]] = arith.divui %[[TID]], %c128
// CHECK:           %[[WGROWS:.*]] = arith.muli %[[WG]], %c64
// CHECK:           %[[AOFF:.*]] = arith.muli %[[WGROWS]], %c128
// CHECK:           %[[ZERO:.*]] = llvm.mlir.zero : !llvm.struct<({{(f32, )+}}f32)>
// CHECK:           %[[ACC:.*]] = scf.for %[[S:.*]] = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args(%[[IN:.*]] = %[[ZERO]])
// CHECK:             %[[STAGE:.*]] = arith.remui %[[S]], %c4
// CHECK:             %[[SOFF:.*]] = arith.muli %[[STAGE]], %c32768
// CHECK:             nvvm.wgmma.fence.aligned
// CHECK:             %[[B0:.*]] = arith.addi %[[SOFF]], %c16384
// CHECK:             %[[B0S:.*]] = arith.shrui %[[B0]], %c4
// CHECK:             %[[B0I:.*]] = arith.index_castui %[[B0S]]
// CHECK:             %[[DB:.*]] = arith.addi %[[DESC]], %[[B0I]]
// CHECK:             %[[A0:.*]] = arith.addi %[[SOFF]], %[[AOFF]]
// CHECK:             %[[A0S:.*]] = arith.shrui %[[A0]], %c4
// CHECK:             %[[A0I:.*]] = arith.index_castui %[[A0S]]
// CHECK:             %[[DA:.*]] = arith.addi %[[DESC]], %[[A0I]]
// CHECK:             %[[M0:.*]] = nvvm.wgmma.mma_async %[[DA]], %[[DB]], %[[IN]], <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// The next k16 slices start 32, 64 and 96 bytes further.
// CHECK:             arith.addi %{{.*}}, %c32
// CHECK:             %[[M1:.*]] = nvvm.wgmma.mma_async {{.*}}, %[[M0]],
// CHECK:             arith.addi %{{.*}}, %c64
// CHECK:             %[[M2:.*]] = nvvm.wgmma.mma_async {{.*}}, %[[M1]],
// CHECK:             arith.addi %{{.*}}, %c96
// CHECK:             %[[M3:.*]] = nvvm.wgmma.mma_async {{.*}}, %[[M2]],
// CHECK-NEXT:        nvvm.wgmma.commit.group.sync.aligned
// Step s + 2 goes to stage (s + 2) mod 4, the one step s - 2 read.
// CHECK:             %[[AHEAD:.*]] = arith.addi %[[S]], %c2
// CHECK:             arith.remui %[[AHEAD]], %c4
// CHECK:             arith.minui %{{.*}}, %c7
// CHECK-COUNT-8:     nvgpu.device_async_copy
// CHECK-NEXT:        %[[G:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:        nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NEXT:        nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// CHECK-NEXT:        nvvm.fence.proxy
// CHECK-NEXT:        gpu.barrier
// CHECK-NEXT:        scf.yield %[[M3]]
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0
// Registers 4 j + 2 i + {0, 1}: row 16 warp + lane / 4 + 8 i, columns
// 8 j + 2 (lane % 4) + {0, 1}; stored in pairs inside 160 x 256.
// CHECK:           llvm.extractvalue %[[ACC]][0]
// CHECK:           llvm.extractvalue %[[ACC]][1]
// CHECK:           arith.cmpi ult, %{{.*}}, %c160
// CHECK:           arith.cmpi ult, %{{.*}}, %c256
// CHECK:           vector.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : memref<160x256xf32>, vector<2xf32>
// CHECK-COUNT-31:  vector.store
// CHECK-NOT:       vector.store
// CHECK:           gpu.terminator

// The defaults (but wgmma-decode-max-rows): Q4_K at M = 160 >= 128 decodes
// once; BN = 256, so one
// column tile of 128 x 256 and 4 stages of 384 rows; 8 K splits (2 tiles
// are far fewer than the 264 launch blocks of 8 warps aimed at), each
// storing its partial sums at [z, row, col], then the sum launch.
// DEF-LABEL: func.func @q4k(
// DEF:         %[[WH:.*]] = memref.alloc() : memref<256x512xf16>
// DEF:         %[[PART:.*]] = memref.alloc() : memref<8x160x256xf32>
// DEF:         gpu.launch blocks(%[[BX:[^,]*]], %[[BY:[^,]*]], %[[BZ:[^)]*]]) in ({{.*}} = %c2{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c8{{[_0-9]*}}) threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// DEF-SAME:      dynamic_shared_memory_size %c197632_i32
// DEF:           memref<4x384x64xf16, #gpu.address_space<workgroup>>
// Split z runs step z (512 / 64 / 8 = 1 step each) from stage 0.
// DEF:           scf.for %[[S:.*]] = %[[BZ]] to %{{.*}} step %c1
// DEF:             %[[J:.*]] = arith.subi %[[S]], %[[BZ]]
// DEF:             arith.remui %[[J]], %c4
// DEF-COUNT-4:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
// DEF:           vector.store %{{.*}}, %[[PART]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<8x160x256xf32>, vector<2xf32>
// DEF:         gpu.launch
// DEF-COUNT-8:   memref.load %[[PART]]
// NF4 at M = 144 < 160 still decodes in the mma.sync kernel.
// DEF-LABEL: func.func @nf4(
// DEF-NOT:     memref<256x512xf16>
// DEF-NOT:     nvvm.wgmma
// DEF:         nvgpu.mma.sync
// MXFP4 at M = 64 decodes once: one warpgroup, a 64 x 256 tile.
// DEF-LABEL: func.func @mxfp4(
// DEF:         memref.alloc() : memref<256x512xf16>
// DEF:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c8{{[_0-9]*}}) threads({{.*}}) in ({{.*}} = %c128{{[_0-9]*}}, {{.*}})
// DEF-SAME:      dynamic_shared_memory_size %c164864_i32
// DEF:           memref<4x320x64xf16, #gpu.address_space<workgroup>>
// DEF-COUNT-4:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>

// f16 activations need no conversion: the kernel copies its x tiles
// straight from their buffer (no x launch, no [M, K] scratch), read only.
// DEF-LABEL: func.func @q4k_f16(
// DEF-SAME:      %[[X:.*]]: tensor<160x512xf16>
// DEF:         %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<160x512xf16> to memref<160x512xf16>
// DEF-NOT:     memref.alloc() : memref<160x512xf16>
// DEF:         %[[WH:.*]] = memref.alloc() : memref<256x512xf16>
// DEF:         gpu.launch
// DEF:         gpu.launch
// DEF:           nvgpu.device_async_copy %[[XB]][
// DEF:           nvgpu.device_async_copy %[[WH]][
// DEF:           nvvm.wgmma.mma_async

// Without wgmma Q4_K decodes once only from M = 512: mma.sync.
// OFF-LABEL: func.func @q4k(
// OFF-NOT:     memref<256x512xf16>
// OFF-NOT:     nvvm.wgmma
// OFF:         nvgpu.mma.sync
// OFF-LABEL: func.func @mxfp4(
// OFF-NOT:     nvvm.wgmma
// OFF:         nvgpu.mma.sync
// OFF-NOT:     nvvm.wgmma
// The mma.sync kernel that decodes in the kernel reads them in place too.
// OFF-LABEL: func.func @q4k_f16(
// OFF-SAME:      %[[X:.*]]: tensor<160x512xf16>
// OFF:         %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
// OFF-NOT:     memref.alloc() : memref<160x512xf16>
// OFF:         gpu.launch
// OFF:           memref.load %[[XB]][
// OFF:           nvgpu.mma.sync

// PTX-LABEL: func.func @q4k(
// PTX:       gpu.binary @q4k_kernel_1 [#gpu.object<#nvvm.target<chip = "sm_90a"
// PTX-SAME:    wgmma.fence.sync.aligned
// PTX-SAME:    wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// PTX-SAME:    wgmma.commit_group.sync.aligned
// PTX-SAME:    wgmma.wait_group.sync.aligned{{[^;]*}}1;
// PTX-SAME:    fence.proxy.async.shared::cta
// PTX90-LABEL: func.func @q4k(
// PTX90-NOT:   wgmma
// PTX90:       mma.sync.aligned.m16n8k16
// PTX90-NOT:   wgmma
func.func @q4k(%x: tensor<160x512xf32>, %raw: tensor<73728xi8>) -> tensor<160x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<160x512xf32>, !q -> tensor<160x256xf32>
  return %y : tensor<160x256xf32>
}

func.func @nf4(%x: tensor<144x512xf32>, %raw: tensor<73728xi8>) -> tensor<144x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<144x512xf32>, !n -> tensor<144x256xf32>
  return %y : tensor<144x256xf32>
}

func.func @mxfp4(%x: tensor<64x512xf32>, %raw: tensor<69632xi8>) -> tensor<64x256xf32> {
  %w = quant4.from_bytes %raw : tensor<69632xi8> -> !m
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !m -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

func.func @q4k_f16(%x: tensor<160x512xf16>, %raw: tensor<73728xi8>) -> tensor<160x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<160x512xf16>, !q -> tensor<160x256xf32>
  return %y : tensor<160x256xf32>
}
