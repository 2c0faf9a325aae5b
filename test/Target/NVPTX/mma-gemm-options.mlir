// The decode-once tensor-core kernel's knobs (quant4-gpu-mma-gemm
// async-stages, async-step-k, async-warps-m, async-warps-n): its stages
// live in the launch's dynamic shared memory, so they may exceed the 48 KB
// of static shared memory; settings that do not fit an sm_90 launch block,
// or are not supported, are errors.
//
// RUN: q4-opt %s --quant4-gpu-mma-gemm="max-splits=1 decode-once-min-rows=64 async-step-k=64 async-stages=4 async-warps-n=4" \
// RUN:   | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemm="decode-once-min-rows=64 async-warps-m=4" \
// RUN:   | FileCheck %s --check-prefix=TALL
// RUN: not q4-opt %s --quant4-gpu-mma-gemm="decode-once-min-rows=64 async-step-k=64 async-stages=8 async-warps-m=4" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TOOBIG
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=async-step-k=48 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADK
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=async-stages=1 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADSTAGES
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=async-warps-n=3 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADWARPS
// RUN: not q4-opt %s --quant4-gpu-mma-gemm="async-warps-m=1 async-warps-n=1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADWARPS
// The wgmma kernel's knobs (wgmma-stages, wgmma-warpgroups, wgmma-tile-n,
// wgmma-decode-max-rows). The kernel decoding Q4_K (M = 80: one warpgroup
// of 64 weight rows, wgmma-tile-n x rows) adds stages - 1 raw stages of
// 64 x 48 bytes to its x stages: 8 stages of 256 x rows take 262144 +
// 21504 bytes and the 1024 of alignment slack.
// RUN: not q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 decode-once-min-rows=64 wgmma-decode-max-rows=0 wgmma-stages=5" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGTOOBIG
// RUN: not q4-opt %s --quant4-gpu-mma-gemm="wgmma=1 wgmma-stages=8 wgmma-tile-n=256" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DECTOOBIG
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-decode-max-rows=-1 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DECROWS
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-stages=2 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGSTAGES
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-warpgroups=3 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGGROUPS
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-tile-n=48 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGTILE
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-tile-n=288 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGTILE
// RUN: not q4-opt %s --quant4-gpu-mma-gemm=wgmma-m-tiles=3 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WGMTILES
// Through the pipeline and the bundle: the launch's bytes in the manifest.
// RUN: rm -rf %t && mkdir -p %t
// RUN: q4-nvptx %s -o %t/k --mma-decode-once-min-rows=64 \
// RUN:   --mma-async-step-k=64 --mma-async-stages=4 --mma-async-warps-n=4
// RUN: FileCheck %s --check-prefix=MANIFEST --input-file=%t/k.manifest

// M = 80, N = 256: one 128 x 256 tile of 2 x 4 warps (256 threads) with
// warp tiles of 64 x 64, 4 stages of 128 + 256 rows of 64 halves (196608
// bytes of dynamic shared memory). A row is 8 16-byte chunks: thread t
// copies chunk t % 8 of row t / 8 (+ 32 i), 12 a step, to chunk
// (t % 8) xor (row % 8). 512 / 64 = 8 steps of 4 k16 slices: 32
// ldmatrix.x4 and 128 mma.sync per warp and step; 3 steps in flight.
// CHECK-LABEL: func.func @q4k(
// CHECK:         %[[BYTES:.*]] = arith.constant 196608 : i32
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// CHECK-SAME:      dynamic_shared_memory_size %[[BYTES]]
// CHECK:           %[[SHM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK:           %[[T:.*]] = memref.view %[[SHM]][%c0{{[_0-9]*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x384x64xf16, #gpu.address_space<workgroup>>
// CHECK:           %[[ROW:.*]] = arith.divui %[[TID]], %c8
// CHECK:           %[[CHUNK:.*]] = arith.remui %[[TID]], %c8
// CHECK:           %[[BITS:.*]] = arith.andi %[[ROW]], %c7
// CHECK:           %[[SWZ:.*]] = arith.xori %[[CHUNK]], %[[BITS]]
// CHECK:           %[[COL:.*]] = arith.muli %[[SWZ]], %c8
// CHECK:           nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %[[T]][%c0{{[_0-9]*}}, %[[ROW]], %[[COL]]], 8 {bypassL1}
// CHECK-COUNT-11:  nvgpu.device_async_copy {{.*}}, %[[T]][%c0{{[_0-9]*}},
// CHECK-NEXT:      nvgpu.device_async_create_group
// CHECK-COUNT-12:  nvgpu.device_async_copy {{.*}}, %[[T]][%c1{{[_0-9]*}},
// CHECK-NEXT:      nvgpu.device_async_create_group
// CHECK-COUNT-12:  nvgpu.device_async_copy {{.*}}, %[[T]][%c2{{[_0-9]*}},
// CHECK-NEXT:      %[[G2:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:      nvgpu.device_async_wait %[[G2]] {numGroups = 2 : i32}
// CHECK:           scf.for %[[S:.*]] = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args
// CHECK:             %[[AHEAD:.*]] = arith.addi %[[S]], %c3
// CHECK:             arith.minui %[[AHEAD]], %c7
// CHECK:             arith.remui %{{.*}}, %c4
// CHECK-COUNT-12:    nvgpu.device_async_copy
// CHECK-NEXT:        %[[G:.*]] = nvgpu.device_async_create_group
// CHECK:             %[[STAGE:.*]] = arith.remui %[[S]], %c4
// CHECK-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]], {{.*}}] {numTiles = 4 : i32, transpose = false} : memref<4x384x64xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-32:    nvgpu.mma.sync
// CHECK-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]],
// CHECK-COUNT-32:    nvgpu.mma.sync
// CHECK-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]],
// CHECK-COUNT-32:    nvgpu.mma.sync
// CHECK-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]],
// CHECK-COUNT-32:    nvgpu.mma.sync
// CHECK-NEXT:        nvgpu.device_async_wait %[[G]] {numGroups = 2 : i32}
// CHECK-NEXT:        gpu.barrier
// CHECK-NEXT:        scf.yield

// 4 x 2 warps: 256 x 128 tiles, K step 32, 3 stages (73728 bytes); the
// 8-warp kernel aims at half as many launch blocks (264), so 1 x 2 tiles
// split K 132 ways -> max-splits = 8.
// TALL-LABEL: func.func @q4k(
// TALL:         %[[BYTES:.*]] = arith.constant 73728 : i32
// TALL:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2, {{.*}} = %c8) threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}})
// TALL-SAME:      dynamic_shared_memory_size %[[BYTES]]
// TALL:           memref.view {{.*}} to memref<3x384x32xf16, #gpu.address_space<workgroup>>

// TOOBIG: error: quant4-gpu-mma-gemm: 8 stages of a 256 x 128 tile and K step 64 take 393216 bytes of shared memory, more than the 232448 an sm_90 launch block may have
// BADK: error: quant4-gpu-mma-gemm: async-step-k=48 must be 32 or 64
// BADSTAGES: error: quant4-gpu-mma-gemm: async-stages=1 must be from 2 to 8
// WGTOOBIG: error: quant4-gpu-mma-gemm: 5 stages of a 128 x 256 tile and K step 64 take 246784 bytes of shared memory, more than the 232448 an sm_90 launch block may have
// DECTOOBIG: error: quant4-gpu-mma-gemm: 8 stages of a 256 x 64 tile and K step 64 take 284672 bytes of shared memory, more than the 232448 an sm_90 launch block may have
// DECROWS: error: quant4-gpu-mma-gemm: wgmma-decode-max-rows=-1 must not be negative
// WGSTAGES: error: quant4-gpu-mma-gemm: wgmma-stages=2 must be from 3 to 8
// WGGROUPS: error: quant4-gpu-mma-gemm: wgmma-warpgroups=3 must be 1 or 2
// WGMTILES: error: quant4-gpu-mma-gemm: wgmma-m-tiles=3 must be 1 or 2
// WGTILE: error: quant4-gpu-mma-gemm: wgmma-tile-n={{[0-9]+}} must be 0 or a multiple of 32 from 32 to 256
// BADWARPS: error: quant4-gpu-mma-gemm: async-warps-m={{[0-9]}} and async-warps-n={{[0-9]}} must each be 1, 2 or 4, with at least 2 warps

// MANIFEST: launch k.q4k_kernel_1.ptx q4k_kernel 1 1 8 256 1 1 shared=196608 s0 s1 s2

!q = !quant4.blocked<256x512, #quant4.q4_k>

func.func @q4k(%x: tensor<80x512xf32>, %raw: tensor<73728xi8>) -> tensor<80x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<80x512xf32>, !q -> tensor<80x256xf32>
  return %y : tensor<80x256xf32>
}
