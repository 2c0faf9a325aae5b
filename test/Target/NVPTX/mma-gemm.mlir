// quant4-gpu-mma-gemm: GEMM-class matmuls (M >= 17) on tensor cores: a
// launch that rounds x to f16, then the mma kernel: 8 warps per launch
// block, x and decoded weight tiles of 32 K values in padded f16 workgroup
// memory, nvgpu.ldmatrix
// fragments and nvgpu.mma.sync m16n8k16 with f32 accumulators; through the
// whole pipeline these become ldmatrix and mma.sync PTX. With few output
// tiles the K steps split over grid z into partial sums that a second
// launch adds up. With the weights decoded to f16 first (decode-once), 4
// warps copy both tiles with cp.async into three swizzled stages.
//
// RUN: q4-opt %s --quant4-gpu-mma-gemm=max-splits=1 | FileCheck %s
// RUN: q4-opt %s --quant4-gpu-mma-gemm | FileCheck %s --check-prefix=SPLIT
// RUN: q4-opt %s --quant4-gpu-mma-gemm | FileCheck %s --check-prefix=MXONCE
// RUN: q4-opt %s --quant4-nvptx-pipeline | FileCheck %s --check-prefix=PTX
// RUN: q4-opt %s --quant4-gpu-mma-gemm=min-rows=81 \
// RUN:   | FileCheck %s --check-prefix=ROWS
// RUN: q4-opt %s --quant4-gpu-mma-gemm="max-splits=1 decode-once-min-rows=80" \
// RUN:   | FileCheck %s --check-prefix=ONCE
// RUN: q4-opt %s --quant4-nvptx-pipeline="mma-decode-once-min-rows=80" \
// RUN:   | FileCheck %s --check-prefix=PTXONCE

!q = !quant4.blocked<256x512, #quant4.q4_k>
!n = !quant4.blocked<200x512, #quant4.nf4>

// M = 80 > 64: 128 x 128 tiles, 1 x 2 launch blocks of 256 threads (grid x
// walks the row tiles, y the column tiles); warp
// tile 64 x 32 = 4 x 4 fragments; 512 / 32 = 16 K steps. Step 0's 16
// activations and 16 weights per thread are loaded before the loop; each
// step stores them to workgroup memory and loads the next step's before
// its mma.
// CHECK-LABEL: func.func @q4k(
// CHECK-SAME:      %[[X:.*]]: tensor<80x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<80x256xf32>
// x as f16 (round to nearest even), 8 consecutive values per thread
// (80 x 512 / 8 / 256 = 20 launch blocks): row i / 64, values 8 (i % 64)..
// CHECK:         %[[XH:.*]] = memref.alloc() : memref<80x512xf16>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c20, {{.*}}) threads({{.*}}) in ({{.*}} = %c256,
// CHECK:           %[[XM:.*]] = arith.divui %{{.*}}, %c64
// CHECK:           %[[XPOS:.*]] = arith.remui %{{.*}}, %c64
// CHECK:           %[[XK:.*]] = arith.muli %[[XPOS]], %c8
// CHECK:           %[[XK0:.*]] = arith.addi %[[XK]], %c0
// CHECK-NEXT:      %[[XV:.*]] = tensor.extract %[[X]][%[[XM]], %[[XK0]]]
// CHECK-NEXT:      %[[XVH:.*]] = arith.truncf %[[XV]] : f32 to f16
// CHECK-NEXT:      memref.store %[[XVH]], %[[XH]][%[[XM]], %[[XK0]]]
// CHECK-COUNT-7:   memref.store %{{.*}}, %[[XH]]
// CHECK-NEXT:    }
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2, {{.*}} = %c1{{[_0-9]*}}) threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}})
// CHECK-SAME:      workgroup(%[[AS:[^ ]*]] : memref<128x40xf16, #gpu.address_space<workgroup>>, %[[BS:[^ ]*]] : memref<128x40xf16, #gpu.address_space<workgroup>>)
// Rows past M = 80 read row 79.
// CHECK:           arith.minui %{{.*}}, %c79
// CHECK:           %[[A0:.*]] = memref.load %[[XH]]
// CHECK:           tensor.extract %[[RAW]]
// CHECK:           %[[WH:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK:           scf.for %[[STEP:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args({{.*}} = %[[A0]], {{.*}} = %[[WH]], {{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f16)
// CHECK-COUNT-16:    memref.store %{{.*}}, %[[AS]]
// CHECK-COUNT-16:    memref.store %{{.*}}, %[[BS]]
// CHECK-NEXT:        gpu.barrier
// The next step, the last one reloading itself.
// CHECK:             %[[NEXT:.*]] = arith.addi %[[STEP]], %c1
// CHECK:             arith.minui %[[NEXT]], %c15
// CHECK:             memref.load %[[XH]]
// CHECK:             tensor.extract %[[RAW]]
// B fragments come in pairs: one ldmatrix.x4 gives fragments nt, nt + 1.
// CHECK-COUNT-4:     nvgpu.ldmatrix %[[AS]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<128x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK:             %[[B01:.*]] = nvgpu.ldmatrix %[[BS]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<128x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-NEXT:        %[[B0:.*]] = vector.extract_strided_slice %[[B01]] {offsets = [0, 0], sizes = [2, 2], strides = [1, 1]} : vector<4x2xf16> to vector<2x2xf16>
// CHECK-NEXT:        %[[B1:.*]] = vector.extract_strided_slice %[[B01]] {offsets = [2, 0], sizes = [2, 2], strides = [1, 1]} : vector<4x2xf16> to vector<2x2xf16>
// CHECK:             nvgpu.ldmatrix %[[BS]]
// CHECK-NOT:         nvgpu.ldmatrix
// CHECK:             %[[A0:.*]] = nvgpu.mma.sync(%{{.*}}, %[[B0]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-NEXT:        nvgpu.mma.sync(%{{.*}}, %[[B1]], %{{.*}})
// CHECK-COUNT-14:    nvgpu.mma.sync
// CHECK-COUNT-4:     nvgpu.ldmatrix %[[AS]]
// CHECK-COUNT-2:     nvgpu.ldmatrix %[[BS]]
// CHECK-COUNT-16:    nvgpu.mma.sync
// CHECK:             gpu.barrier
// CHECK-NOT:         nvgpu.mma.sync
// CHECK:             scf.yield
// Stores masked to M x N.
// CHECK:           vector.extract %{{.*}}[0, 0] : f32 from vector<2x2xf32>
// CHECK:           scf.if
// CHECK-NEXT:        memref.store %{{.*}}, %[[Y]]
// CHECK:         bufferization.to_tensor %[[Y]] restrict writable

// M = 24 <= 64: 64 x 64 tiles (N = 200: 4 launch blocks, the last partial),
// warp tile 32 x 16 = 2 x 2 fragments; NF4 through the same decode hook.
// CHECK-LABEL: func.func @nf4(
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c4, {{.*}} = %c1{{[_0-9]*}}) threads({{.*}}) in ({{.*}} = %c256{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}})
// CHECK-SAME:      workgroup(%{{.*}} : memref<64x40xf16, #gpu.address_space<workgroup>>, %{{.*}} : memref<64x40xf16, #gpu.address_space<workgroup>>)
// CHECK:           arith.minui %{{.*}}, %c199
// CHECK:             gpu.barrier
// CHECK-COUNT-3:     nvgpu.ldmatrix {{.*}} -> vector<4x2xf16>
// CHECK-COUNT-4:     nvgpu.mma.sync
// CHECK:             nvgpu.ldmatrix
// CHECK-COUNT-4:     nvgpu.mma.sync
// CHECK-NOT:         nvgpu.mma.sync
// CHECK:             gpu.barrier
// At M = 16 the GEMV kernel (or split-K) takes over.
// CHECK-LABEL: func.func @gemv(
// CHECK-NOT:     gpu.launch
// CHECK:         quant4.matmul

// Split K (the default here: 4 output tiles, far below 528 launch
// blocks): 8 splits of 16 / 8 = 2 K steps each write [8, M, N] partial
// sums; 24 x 200 / 256 -> 19 launch blocks add them into y.
// SPLIT-LABEL: func.func @nf4(
// SPLIT:         %[[Y:.*]] = memref.alloc() : memref<24x200xf32>
// SPLIT:         memref.alloc() : memref<24x512xf16>
// SPLIT:         gpu.launch
// SPLIT:         %[[P:.*]] = memref.alloc() : memref<8x24x200xf32>
// SPLIT:         gpu.launch blocks(%{{.*}}, %{{.*}}, %[[Z:[^)]*]]) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c4, {{.*}} = %c8)
// SPLIT:           %[[FIRST:.*]] = arith.muli %[[Z]], %c2
// SPLIT:           scf.for %{{.*}} = %[[FIRST]] to
// SPLIT-COUNT-16:    memref.store %{{.*}}, %[[P]][%[[Z]], %{{.*}}, %{{.*}}] : memref<8x24x200xf32>
// SPLIT:         gpu.launch blocks({{.*}}) in ({{.*}} = %c19, {{.*}}) threads({{.*}}) in ({{.*}} = %c256
// SPLIT:           scf.if
// SPLIT-COUNT-8:     memref.load %[[P]]
// SPLIT:             memref.store %{{.*}}, %[[Y]]
// SPLIT:         bufferization.to_tensor %[[Y]] restrict writable

// From decode-once-min-rows on (default: 512, MXFP4 64) a launch first decodes the
// weights to an f16 [N, K] buffer, 8 values per thread (256 x 512 / 8 / 256 =
// 64 launch blocks); the mma kernel then decodes nothing: 4 warps (128
// threads, warp tiles 64 x 64 = 4 x 8 fragments) copy x and weight rows
// with cp.async into 3 stages of one [3, 128 + 128, 32] f16 buffer, each
// thread 8 16-byte chunks a step (4 of x, then 4 of weights); steps 0 and
// 1 before the loop, step s + 2 during step s, one barrier per step. The
// buffer is the launch's dynamic shared memory (48 KB). M = 24
// (nf4) < 80 keeps the decode in the mma kernel.
// ONCE-LABEL: func.func @q4k(
// ONCE-SAME:      %[[X:.*]]: tensor<80x512xf32>, %[[RAW:.*]]: tensor<73728xi8>)
// ONCE:         %[[XH:.*]] = memref.alloc() : memref<80x512xf16>
// ONCE:         gpu.launch
// ONCE:         %[[WH:.*]] = memref.alloc() : memref<256x512xf16>
// ONCE:         gpu.launch blocks({{.*}}) in ({{.*}} = %c64{{.*}}, {{.*}}) threads({{.*}}) in ({{.*}} = %c256{{.*}}, {{.*}})
// ONCE-COUNT-8:   memref.store %{{.*}}, %[[WH]]
// ONCE:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c2, {{.*}} = %c1{{[_0-9]*}}) threads(%[[TID:[^,]*]], {{.*}}) in ({{.*}} = %c128, {{.*}} = %c1{{[_0-9]*}}, {{.*}} = %c1{{[_0-9]*}})
// ONCE-SAME:      dynamic_shared_memory_size %c49152_i32
// ONCE-NOT:       tensor.extract %[[RAW]]
// ONCE:           %[[SHM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// ONCE:           %[[T:.*]] = memref.view %[[SHM]][%c0{{[_0-9]*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<3x256x32xf16, #gpu.address_space<workgroup>>
// Chunk tid % 4 of tile row tid / 4 (+ 32 i) lands at chunk
// (tid % 4) xor ((tid / 8) % 4) of its row.
// ONCE:           %[[ROW:.*]] = arith.divui %[[TID]], %c4
// ONCE:           %[[CHUNK:.*]] = arith.remui %[[TID]], %c4
// ONCE:           %[[HALF:.*]] = arith.shrui %[[ROW]], %c1
// ONCE:           %[[BITS:.*]] = arith.andi %[[HALF]], %c3
// ONCE:           %[[SWZ:.*]] = arith.xori %[[CHUNK]], %[[BITS]]
// ONCE:           %[[COL:.*]] = arith.muli %[[SWZ]], %c8
// Rows past M = 80 copy row 79.
// ONCE:           arith.minui %{{.*}}, %c79
// ONCE:           nvgpu.device_async_copy %[[XH]][%{{.*}}, %{{.*}}], %[[T]][%c0{{[_0-9]*}}, %[[ROW]], %[[COL]]], 8 {bypassL1} : memref<80x512xf16> to memref<3x256x32xf16, #gpu.address_space<workgroup>>
// ONCE-COUNT-3:   nvgpu.device_async_copy %[[XH]][{{.*}}], %[[T]][%c0{{[_0-9]*}},
// ONCE-COUNT-4:   nvgpu.device_async_copy %[[WH]][{{.*}}], %[[T]][%c0{{[_0-9]*}},
// ONCE-NEXT:      nvgpu.device_async_create_group
// ONCE-COUNT-4:   nvgpu.device_async_copy %[[XH]][{{.*}}], %[[T]][%c1{{[_0-9]*}},
// ONCE-COUNT-4:   nvgpu.device_async_copy %[[WH]][{{.*}}], %[[T]][%c1{{[_0-9]*}},
// ONCE-NEXT:      %[[G1:.*]] = nvgpu.device_async_create_group
// ONCE-NEXT:      nvgpu.device_async_wait %[[G1]] {numGroups = 1 : i32}
// ONCE-NEXT:      gpu.barrier
// ONCE:           scf.for %[[S:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// Step min(s + 2, 15) into stage (s + 2) mod 3, then the mma on stage s mod 3.
// ONCE:             %[[AHEAD:.*]] = arith.addi %[[S]], %c2
// ONCE:             arith.minui %[[AHEAD]], %c15
// ONCE:             %[[NEXT:.*]] = arith.addi %[[S]], %c2
// ONCE:             %[[FREE:.*]] = arith.remui %[[NEXT]], %c3
// ONCE-COUNT-4:     nvgpu.device_async_copy %[[XH]][{{.*}}], %[[T]][%[[FREE]],
// ONCE-COUNT-4:     nvgpu.device_async_copy %[[WH]][{{.*}}], %[[T]][%[[FREE]],
// ONCE-NEXT:        %[[G:.*]] = nvgpu.device_async_create_group
// ONCE:             %[[STAGE:.*]] = arith.remui %[[S]], %c3
// ONCE-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]], {{.*}}] {numTiles = 4 : i32, transpose = false} : memref<3x256x32xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// ONCE-COUNT-32:    nvgpu.mma.sync
// ONCE-COUNT-8:     nvgpu.ldmatrix %[[T]][%[[STAGE]], {{.*}}] {{.*}} -> vector<4x2xf16>
// ONCE-COUNT-32:    nvgpu.mma.sync
// ONCE-NEXT:        nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// ONCE-NEXT:        gpu.barrier
// ONCE-NEXT:        scf.yield
// The trailing copies (of step 15 again) complete before the kernel ends.
// ONCE-NEXT:      }
// ONCE-NEXT:      %[[E:.*]] = nvgpu.device_async_create_group{{ *$}}
// ONCE-NEXT:      nvgpu.device_async_wait %[[E]] {numGroups = 0 : i32}
// ONCE-NOT:       gpu.barrier
// ONCE:           memref.store
// ONCE-LABEL: func.func @nf4(
// ONCE-NOT:     memref<200x512xf16>
// ONCE-NOT:     nvgpu.device_async_copy
// ONCE:         nvgpu.mma.sync

// The threshold is an option: M = 80 < 81 stays a quant4.matmul.
// ROWS-LABEL: func.func @q4k(
// ROWS-NOT:     gpu.launch
// ROWS:         quant4.matmul

// PTX-LABEL: func.func @q4k(
// PTX:         gpu.launch_func @q4k_kernel::@q4k_kernel
// PTX:         gpu.launch_func @q4k_kernel_0::@q4k_kernel
// PTX:         gpu.launch_func @q4k_kernel_1::@q4k_kernel
// PTX:       gpu.binary @q4k_kernel_0
// PTX-SAME:    .shared .align 16 .b8 __wg_q4k_kernel_0[10240];
// PTX-SAME:    .shared .align 16 .b8 __wg_q4k_kernel_1[10240];
// PTX-SAME:    ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-SAME:    mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-SAME:    bar.sync
// PTX-NOT:     cp.async
// PTX:       gpu.binary @q4k_kernel_1

// Through the pipeline the copies become cp.async.cg (16 bytes, L2 only)
// into the dynamic shared memory, whose bytes the launch_func carries.
// PTXONCE-LABEL: func.func @q4k(
// PTXONCE:       gpu.launch_func @q4k_kernel_1::@q4k_kernel {{.*}} dynamic_shared_memory_size %c49152_i32
// PTXONCE:       gpu.binary @q4k_kernel_1
// PTXONCE-SAME:    .maxntid 128, 1, 1
// PTXONCE-SAME:    .shared .align 16 .b8 __dynamic_shmem__0;
// PTXONCE-SAME:    cp.async.cg.shared.global [%rd{{[0-9]+}}], [%rd{{[0-9]+}}], 16;
// PTXONCE-SAME:    cp.async.commit_group;
// PTXONCE-SAME:    cp.async.commit_group;
// PTXONCE-SAME:    cp.async.wait_group \091;
// PTXONCE-SAME:    bar.sync
// PTXONCE-SAME:    ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTXONCE-SAME:    mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTXONCE-SAME:    cp.async.wait_group \091;
// PTXONCE-SAME:    bar.sync
// PTXONCE-SAME:    cp.async.commit_group;
// PTXONCE-SAME:    cp.async.wait_group \090;

func.func @q4k(%x: tensor<80x512xf32>, %raw: tensor<73728xi8>) -> tensor<80x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<80x512xf32>, !q -> tensor<80x256xf32>
  return %y : tensor<80x256xf32>
}

func.func @nf4(%x: tensor<24x512xf32>, %raw: tensor<57600xi8>) -> tensor<24x200xf32> {
  %w = quant4.from_bytes %raw : tensor<57600xi8> -> !n
  %y = quant4.matmul %x, %w : tensor<24x512xf32>, !n -> tensor<24x200xf32>
  return %y : tensor<24x200xf32>
}

func.func @gemv(%x: tensor<16x512xf32>, %raw: tensor<73728xi8>) -> tensor<16x256xf32> {
  %w = quant4.from_bytes %raw : tensor<73728xi8> -> !q
  %y = quant4.matmul %x, %w : tensor<16x512xf32>, !q -> tensor<16x256xf32>
  return %y : tensor<16x256xf32>
}

// By default MXFP4 decodes its weights once from M = 64 (its 17-byte ggml
// blocks decode slowly); Q4_K and NF4 only from M = 512.
// MXONCE-LABEL: func.func @mxfp4_64(
// MXONCE:         memref.alloc() : memref<64x512xf16>
// MXONCE:         memref.alloc() : memref<128x512xf16>
// MXONCE-LABEL: func.func @q4k_64(
// MXONCE-NOT:     memref<128x512xf16>
// MXONCE:         nvgpu.mma.sync
func.func @mxfp4_64(%x: tensor<64x512xf32>, %raw: tensor<34816xi8>) -> tensor<64x128xf32> {
  %w = quant4.from_bytes %raw : tensor<34816xi8> -> !quant4.blocked<128x512, #quant4.mxfp4>
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !quant4.blocked<128x512, #quant4.mxfp4> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}

func.func @q4k_64(%x: tensor<64x512xf32>, %raw: tensor<36864xi8>) -> tensor<64x128xf32> {
  %w = quant4.from_bytes %raw : tensor<36864xi8> -> !quant4.blocked<128x512, #quant4.q4_k>
  %y = quant4.matmul %x, %w : tensor<64x512xf32>, !quant4.blocked<128x512, #quant4.q4_k> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
