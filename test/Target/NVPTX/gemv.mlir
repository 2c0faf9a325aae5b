// quant4-gpu-gemv: GEMV-class matmuls (M <= 16) as one gpu.launch that
// decodes each weight block once for all M rows, lanes over K blocks, R
// columns per thread sharing each activation load, sums per decode group
// scaled once (Q4_K: codes 1 + q / 16 from the nibble bits, scale 16 d1,
// offset 16 d1 + m1), constant tables in workgroup memory and a
// gpu.shuffle xor butterfly; through the whole pipeline the block's bytes
// come in 16-byte vector loads and the lanes meet in shfl.sync.bfly.
//
// RUN: q4-opt %s --quant4-gpu-gemv | FileCheck %s
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-gpu-gemv=max-rows=2 | FileCheck %s --check-prefix=ROWS
// RUN: q4-opt %s --quant4-gpu-gemv="lanes=2 cols-per-thread=1 unroll=3" \
// RUN:   | FileCheck %s --check-prefix=KNOBS
// RUN: q4-opt %s --quant4-gpu-gemv=shared-tables=false \
// RUN:   | FileCheck %s --check-prefix=GLOBAL

// 512 / 256 = 2 K blocks per row: 2 lanes (threadIdx.x / 16) per column,
// 16 columns per warp, 4 warps, 2 columns per thread at M > 1: 256 / 128 =
// 2 launch blocks.
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<4x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<4x256xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TID:[^,]*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}})
// CHECK:           %[[LANE:.*]] = arith.divui %[[TID]], %c16
// K blocks over the lanes; M x R = 8 sums per thread; the 4 units of a
// Q4_K block (32 qs bytes = sub-blocks 2u and 2u + 1) in a loop (M > 1).
// CHECK:           scf.for %{{.*}} = %[[LANE]] to %c2{{.*}} step %c2{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK:             scf.for %[[UNIT:.*]] = %c0{{.*}} to %c4{{.*}} step %c1{{.*}} iter_args
// A unit's codes: two 16-byte reads as i32 words, before any decode.
// CHECK:               %[[BYTES:.*]] = vector.transfer_read %[[RAW]]{{.*}} : tensor<73728xi8>, vector<16xi8>
// CHECK-NEXT:          vector.bitcast %[[BYTES]] : vector<16xi8> to vector<4xi32>
// Sub-block j = 2u + h's 6-bit scale and min (get_scale_min_k4: j < 4 or
// not, j from the loop's unit).
// CHECK:               %[[J:.*]] = arith.muli %[[UNIT]], %c2{{.*}} : index
// CHECK:               arith.cmpi ult, %[[J]], %c4
// CHECK:               arith.select
// Code 1 + q / 16: the nibble under exponent 0 (0x3F800000).
// CHECK:               %[[SHIFTED:.*]] = arith.shli %{{.*}}, %c19_i32
// CHECK:               %[[BITS:.*]] = arith.ori %[[SHIFTED]], %c1065353216_i32
// CHECK-NEXT:          arith.bitcast %[[BITS]] : i32 to f32
// CHECK:               tensor.extract %[[X]]
// CHECK:               arith.mulf {{.*}} fastmath<contract>
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK-COUNT-7:   gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:         bufferization.to_tensor %[[Y]] restrict writable
// M = 1: 4 columns per thread, 8 lanes over NF4's 8 blocks per row (4
// columns per warp), 4 x 4 x 4 = 64 columns per launch block; the codebook
// is copied to workgroup memory once, then every lookup reads it there.
// CHECK-LABEL: func.func @nf4(
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}}) workgroup(%[[TABLE:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for
// CHECK:             memref.store %{{.*}}, %[[TABLE]]
// CHECK:           gpu.barrier
// CHECK:           scf.for {{.*}} -> (f32, f32, f32, f32)
// CHECK-NOT:         scf.for
// CHECK:             memref.load %[[TABLE]]
// CHECK-COUNT-4:   gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK-COUNT-4:   gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK-COUNT-4:   gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK-NOT:       gpu.shuffle
// ui8 storage (the from_bytes ABI's other byte type): the argument becomes
// i8, as convert-quant4-to-linalg would make it.
// CHECK-LABEL: func.func @bytes_ui8(
// CHECK-SAME:      %{{.*}}: tensor<1x512xf32>, %{{.*}}: tensor<73728xi8>)
// CHECK:         gpu.launch
// At M = 17 the split-K path takes over.
// CHECK-LABEL: func.func @gemm(
// CHECK-NOT:     gpu.launch
// CHECK:         quant4.matmul

// ROWS-LABEL: func.func @q4k(
// ROWS:         quant4.matmul

// The knobs: 2 lanes take 4 of NF4's 8 blocks each, 3 per trip while the
// third is in the row (kb < 8 - 2 x 2), then one per trip from the first kb
// past that loop.
// KNOBS-LABEL: func.func @nf4(
// KNOBS:         %[[LANE:.*]] = arith.divui %{{.*}}, %c16
// KNOBS:         %[[MAIN:.*]] = scf.for %{{.*}} = %[[LANE]] to %c4{{.*}} step %c6{{.*}} iter_args({{.*}}) -> (f32)
// KNOBS-COUNT-192: memref.load
// KNOBS:         }
// KNOBS:         %[[LAST:.*]] = arith.subi %c3{{.*}}, %[[LANE]]
// KNOBS:         %[[TRIPS:.*]] = arith.divui %[[LAST]], %c6
// KNOBS:         scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c2{{.*}} iter_args(%{{.*}} = %[[MAIN]]) -> (f32)
// KNOBS-COUNT-64: memref.load
// KNOBS-NOT:     memref.load
// KNOBS:         gpu.shuffle

// Without shared tables the codebook stays a constant the decode indexes.
// GLOBAL-LABEL: func.func @nf4(
// GLOBAL-NOT:    workgroup
// GLOBAL-NOT:    memref.load
// GLOBAL:        tensor.extract %cst
// GLOBAL-LABEL: func.func @bytes_ui8(

// One kernel per GEMV (no scratch, no second launch); 16-byte weight and
// activation loads through the non-coherent cache; a shuffle butterfly;
// NF4's codebook read from shared memory.
// PTX-LABEL: func.func @q4k(
// PTX:         gpu.launch_func @q4k_kernel::@q4k_kernel blocks in (%c2, %c1, %c1) threads in (%c32, %c4, %c1)
// PTX-NEXT:    return
// PTX:         gpu.binary @q4k_kernel
// PTX-SAME:    ld.global.nc.v4.b32
// PTX-SAME:    shfl.sync.bfly.b32
// PTX:         gpu.binary @nf4_kernel
// PTX-SAME:    .shared .align 4 .b8
// PTX-SAME:    bar.sync
// PTX-SAME:    ld.global.nc.v4.b32
// PTX-SAME:    ld.shared.b32
// PTX-SAME:    shfl.sync.bfly.b32
// PTX-LABEL: func.func @bytes_ui8(
// PTX-SAME:      %{{.*}}: memref<73728xi8>
// PTX:         gpu.launch_func @bytes_ui8_kernel::@bytes_ui8_kernel

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>

func.func @q4k(%x: tensor<4x512xf32>, %raw: tensor<73728xi8>) -> tensor<4x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<4x512xf32>, !q -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}

func.func @nf4(%x: tensor<1x512xf32>, %raw: tensor<73728xi8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !n -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @bytes_ui8(%x: tensor<1x512xf32>, %raw: tensor<73728xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xui8> -> !q
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !q -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @gemm(%x: tensor<17x512xf32>, %raw: tensor<73728xi8>) -> tensor<17x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<17x512xf32>, !q -> tensor<17x256xf32>
  return %y : tensor<17x256xf32>
}
