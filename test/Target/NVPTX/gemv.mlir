// quant4-gpu-gemv: GEMV-class matmuls (M <= 16) as one gpu.launch that
// decodes each weight block once for all M rows, with constant value indices
// (folded decode arithmetic), lanes over K blocks and a gpu.shuffle xor
// butterfly; through the whole pipeline the block's bytes come in 16-byte
// vector loads and the lanes meet in shfl.sync.bfly.
//
// RUN: q4-opt %s --quant4-gpu-gemv | FileCheck %s
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-gpu-gemv=max-rows=2 | FileCheck %s --check-prefix=ROWS

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<256x512, #quant4.nf4>

// 512 / 256 = 2 K blocks per row: 2 lanes (threadIdx.x / 16) per column,
// 16 columns per warp, 4 warps, 2 columns per thread at M > 1: 256 / 128 =
// 2 launch blocks.
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<4x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<4x256xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TID:[^,]*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}})
// CHECK:           %[[LANE:.*]] = arith.divui %[[TID]], %c16
// K blocks over the lanes; M x R = 8 sums per thread; the 8 decode groups
// of a block in a loop (M > 1).
// CHECK:           scf.for %{{.*}} = %[[LANE]] to %c2{{.*}} step %c2{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK:             scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args
// Small integers (codes, 6-bit scales) become floats through the exponent
// bits, not uitofp; products may fuse.
// CHECK-NOT:           arith.uitofp
// CHECK:               tensor.extract %[[RAW]]
// CHECK:               arith.ori %{{.*}}, %c1258291200_i32
// CHECK:               tensor.extract %[[X]]
// CHECK:               arith.mulf {{.*}} fastmath<contract>
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK-COUNT-7:   gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:           scf.if
// CHECK-COUNT-4:     memref.store %{{.*}}, %[[Y]]
// CHECK:         bufferization.to_tensor %[[Y]] restrict writable
// M = 1: 8 lanes over NF4's 8 blocks per row (4 columns per warp), every
// value index constant; the butterfly runs over threadIdx.x bits 4, 3, 2.
// CHECK-LABEL: func.func @nf4(
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c16{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}} = %c1{{.*}})
// CHECK:           scf.for {{.*}} -> (f32)
// CHECK-NOT:         scf.for
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c4_i32
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

// One kernel per GEMV (no scratch, no second launch); 16-byte weight and
// activation loads through the non-coherent cache; a shuffle butterfly.
// PTX-LABEL: func.func @q4k(
// PTX:         gpu.launch_func @q4k_kernel::@q4k_kernel blocks in (%c2, %c1, %c1) threads in (%c32, %c4, %c1)
// PTX-NEXT:    return
// PTX:         gpu.binary @q4k_kernel
// PTX-SAME:    ld.global.nc.v4.b32
// PTX-SAME:    shfl.sync.bfly.b32
// PTX:         gpu.binary @nf4_kernel
// PTX-SAME:    ld.global.nc.v4.b32
// PTX-SAME:    shfl.sync.bfly.b32
// PTX-LABEL: func.func @bytes_ui8(
// PTX-SAME:      %{{.*}}: memref<73728xi8>
// PTX:         gpu.launch_func @bytes_ui8_kernel::@bytes_ui8_kernel

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
