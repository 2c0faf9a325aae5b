// quant4-gpu-gemv: GEMV-class matmuls (M <= 16) as one gpu.launch that
// decodes each weight block once for all M rows, lanes over K blocks (by
// default S = 8 lanes over the units of one block), R columns per thread
// sharing each activation load, sums per decode group scaled once (Q4_K:
// codes 1 + q / 16 from the nibble bits, scale 16 d1, offset 16 d1 + m1),
// constant tables in workgroup memory and a gpu.shuffle xor butterfly;
// through the whole pipeline the block's bytes come in 16-byte vector loads
// and the lanes meet in shfl.sync.bfly.
//
// RUN: q4-opt %s --quant4-gpu-gemv | FileCheck %s
// RUN: q4-opt %s --quant4-nvptx-pipeline=mma-gemv-max-rows=0 \
// RUN:   | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-gpu-gemv=max-rows=2 | FileCheck %s --check-prefix=ROWS
// RUN: q4-opt %s \
// RUN:   --quant4-gpu-gemv="unit-lanes=1 unit-values=64 lanes=2 cols-per-thread=2" \
// RUN:   | FileCheck %s --check-prefix=WHOLE
// RUN: q4-opt %s --quant4-gpu-gemv="unit-lanes=1 unit-values=64 lanes=2 cols-per-thread=1 unroll=3" \
// RUN:   | FileCheck %s --check-prefix=KNOBS
// RUN: q4-opt %s --quant4-gpu-gemv=shared-tables=false \
// RUN:   | FileCheck %s --check-prefix=GLOBAL

// Defaults at M = 4 for Q4_K: 16-byte units (32 values), S = 8 lanes per
// block, 4 columns per thread; 512 / 256 = 2 K blocks per row allow L =
// 8 x 2 = 16 lanes per column (lane = threadIdx.x / 2, 2 columns a warp):
// each lane takes unit lane % 8 of block lane / 8, one block per trip, and
// loads its 16 qs bytes (unit x 16 past the block's qs) of each of its 4
// columns before decoding; chunk unit / 2 of qs holds sub-blocks
// 2 (unit / 2) and 2 (unit / 2) + 1, whose scales come from the block's
// 16-byte header (one more vector load; no byte loads of the weights). The
// butterfly runs over the lane bits
// (xor 16, 8, 4, 2) for each of the M x R = 16 sums. 256 / (4 warps x 2 x 4)
// = 8 launch blocks.
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<4x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<4x256xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c8{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TID:[^,]*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}})
// CHECK:           %[[LANE:.*]] = arith.divui %[[TID]], %c2
// CHECK:           %[[BLOCKLANE:.*]] = arith.divui %[[LANE]], %c8
// CHECK:           %[[UNIT:.*]] = arith.remui %[[LANE]], %c8
// CHECK:           scf.for %{{.*}} = %[[BLOCKLANE]] to %c2{{.*}} step %c2{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK-NOT:         scf.for
// CHECK:             %[[UNITBYTES:.*]] = arith.muli %[[UNIT]], %c16{{.*}} : index
// CHECK:             %[[QS:.*]] = arith.addi %{{.*}}, %[[UNITBYTES]] : index
// CHECK:             %[[BYTES:.*]] = vector.transfer_read %[[RAW]][%[[QS]]]{{.*}} : tensor<73728xi8>, vector<16xi8>
// CHECK-NEXT:        vector.bitcast %[[BYTES]] : vector<16xi8> to vector<4xi32>
// CHECK-COUNT-3:     vector.transfer_read %[[RAW]]{{.*}} vector<16xi8>
// CHECK:             %[[BASECHUNK:.*]] = arith.divui %[[UNIT]], %c2
// CHECK:             arith.muli %[[BASECHUNK]], %c64
// CHECK:             %[[CHUNK:.*]] = arith.divui %[[UNIT]], %c2
// CHECK:             %[[J:.*]] = arith.muli %[[CHUNK]], %c2{{.*}} : index
// CHECK:             arith.remui %[[J]], %c4
// CHECK:             %[[SHIFTED:.*]] = arith.shli %{{.*}}, %c19_i32
// CHECK:             %[[BITS:.*]] = arith.ori %[[SHIFTED]], %c1065353216_i32
// CHECK-NEXT:        arith.bitcast %[[BITS]] : i32 to f32
// CHECK:             tensor.extract %[[X]]
// CHECK:             arith.mulf {{.*}} fastmath<contract>
// CHECK-NOT:         tensor.extract %[[RAW]]
// CHECK-COUNT-16:  gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK-COUNT-16:  gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK-COUNT-16:  gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK-COUNT-16:  gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK-NOT:       gpu.shuffle
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:         bufferization.to_tensor %[[Y]] restrict writable

// A lane per whole block (unit-lanes=1) and Q4_K's 64-value units: 2 lanes
// (threadIdx.x / 16) per column, 16 columns per warp, 2 columns per
// thread: 256 / 128 = 2 launch blocks; an scf.for over a block's 4 units.
// WHOLE-LABEL: func.func @q4k(
// WHOLE-SAME:      %[[X:.*]]: tensor<4x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// WHOLE:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TID:[^,]*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}})
// WHOLE:           %[[LANE:.*]] = arith.divui %[[TID]], %c16
// WHOLE-NOT:       arith.divui %[[LANE]]
// WHOLE:           scf.for %{{.*}} = %[[LANE]] to %c2{{.*}} step %c2{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32)
// WHOLE:             scf.for %[[UNIT:.*]] = %c0{{.*}} to %c4{{.*}} step %c1{{.*}} iter_args
// WHOLE:               %[[BYTES:.*]] = vector.transfer_read %[[RAW]]{{.*}} : tensor<73728xi8>, vector<16xi8>
// WHOLE-NEXT:          vector.bitcast %[[BYTES]] : vector<16xi8> to vector<4xi32>
// WHOLE:               %[[J:.*]] = arith.muli %[[UNIT]], %c2{{.*}} : index
// WHOLE:               arith.cmpi ult, %[[J]], %c4
// WHOLE:               arith.select
// WHOLE:           gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// WHOLE-COUNT-7:   gpu.shuffle  xor %{{.*}}, %c16_i32
// WHOLE-NOT:       gpu.shuffle  xor %{{.*}}, %c8_i32

// NF4 at M = 1 by default: 8-value units (4 code bytes), 8 lanes per
// 64-value block, 32 lanes per column (4 blocks per warp and trip); N =
// 256 < 8192, so one column per thread (two would leave fewer than 4096
// warps) and two blocks a trip (blocks b, b + 4: 8 = 2 x 4, one trip):
// 256 / 4 warps = 64 launch blocks.
// CHECK-LABEL: func.func @nf4(
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c64{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}}) workgroup(%[[TABLE:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for
// CHECK:             memref.store %{{.*}}, %[[TABLE]]
// CHECK:           gpu.barrier
// CHECK:           %[[LANE:.*]] = arith.divui %[[TID]], %c1
// CHECK:           %[[BLOCKLANE:.*]] = arith.divui %[[LANE]], %c8
// CHECK:           arith.remui %[[LANE]], %c8
// CHECK:           scf.for %{{.*}} = %[[BLOCKLANE]] to %c4{{.*}} step %c8{{.*}} {{.*}} -> (f32)
// CHECK-NOT:         scf.for
// CHECK-COUNT-16:    memref.load %[[TABLE]]
// CHECK-NOT:         memref.load %[[TABLE]]
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK-NOT:       gpu.shuffle

// From N = 8192 (4096 warps of two columns) NF4 keeps two columns per
// thread and one block a trip: 8192 / (4 warps x 2) = 1024 launch blocks.
// CHECK-LABEL: func.func @nf4_wide(
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1024{{.*}}, {{.*}}) threads
// CHECK:           scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4{{.*}} {{.*}} -> (f32, f32)

// CHECK-LABEL: func.func @bytes_ui8(
// CHECK-SAME:      %{{.*}}: tensor<1x512xf32>, %{{.*}}: tensor<73728xi8>)
// CHECK:         gpu.launch
// At M = 17 the split-K path takes over.
// CHECK-LABEL: func.func @gemm(
// CHECK-NOT:     gpu.launch
// CHECK:         quant4.matmul

// ROWS-LABEL: func.func @q4k(
// ROWS:         quant4.matmul

// The knobs (one lane per block): 2 lanes take 4 of NF4's 8 blocks each, 3 per trip while the
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
// PTX:         gpu.launch_func @q4k_kernel::@q4k_kernel blocks in (%c8, %c1, %c1) threads in (%c32, %c4, %c1)
// PTX-NEXT:    return
// PTX:         gpu.binary @q4k_kernel
// PTX-SAME:    ld.global.nc.v4.b32
// PTX-SAME:    shfl.sync.bfly.b32
// PTX:         gpu.binary @nf4_kernel
// PTX-SAME:    .shared .align 16 .b8
// PTX-SAME:    bar.sync
// PTX-SAME:    ld.shared.b32
// PTX-SAME:    ld.global.nc.v4.b32
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

func.func @nf4_wide(%x: tensor<1x512xf32>, %raw: tensor<2359296xi8>) -> tensor<1x8192xf32> {
  %w = quant4.from_bytes %raw : tensor<2359296xi8> -> !quant4.blocked<8192x512, #quant4.nf4>
  %y = quant4.matmul %x, %w : tensor<1x512xf32>, !quant4.blocked<8192x512, #quant4.nf4> -> tensor<1x8192xf32>
  return %y : tensor<1x8192xf32>
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
