// `activations q8_k` on the GPU: the GEMV kernel (M <= 16) takes such a
// matmul as two launches. The first rounds x to Q8_K (one warp per 256
// values: the first value of largest magnitude by a shuffle butterfly over
// (|x|, x, index), -127 / max and 1 / iscale as IEEE divisions, codes
// min(127, nearest_int(iscale x)) stored 8 per lane, d per block); the
// second is the GEMV kernel with dp4a dots: unsigned weight nibble bytes
// times signed activation bytes, 16-byte activation loads. The rounding's
// multiply and add stay separate IEEE ops in the PTX (no fma), as lib/Format
// computes them (bench/gpu/run.sh checks the results against lib/Format's
// Q8_K rounding on the H100). Other matmuls (M > 16, the split-K path)
// still reject the mode.
//
// RUN: q4-opt %s --quant4-gpu-gemv | FileCheck %s
// RUN: q4-nvptx %s -o %t
// RUN: FileCheck %s --check-prefix=MANIFEST --input-file=%t.manifest
// RUN: FileCheck %s --check-prefix=ROUND --input-file=%t.gemv_kernel.ptx
// RUN: FileCheck %s --check-prefix=DOT --input-file=%t.gemv_kernel_0.ptx
// RUN: not q4-opt %s --quant4-nvptx-pipeline=gemv-max-rows=0 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR

!w = !quant4.blocked<64x512, #quant4.q4_k>

// CHECK-LABEL: func.func @gemv(
// CHECK-SAME:      %[[X:.*]]: tensor<1x512xf32>, %[[RAW:.*]]: tensor<18432xi8>)
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<1x64xf32>
// CHECK:         %[[CODES:.*]] = memref.alloc() : memref<512xi8>
// CHECK:         %[[SCALES:.*]] = memref.alloc() : memref<2xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{.*}}, {{.*}}) threads({{.*}}) in ({{.*}} = %c32{{.*}}, {{.*}} = %c4{{.*}}, {{.*}})
// CHECK-COUNT-8:   tensor.extract %[[X]]
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32{{.*}} : f32
// CHECK:           gpu.shuffle  xor %{{.*}}, %c16_i32{{.*}} : i32
// CHECK-COUNT-12:  gpu.shuffle  xor
// CHECK-NOT:       gpu.shuffle
// CHECK:           %[[ISCALE:.*]] = arith.divf %cst{{.*}}, %{{.*}} : f32
// CHECK:           arith.mulf %[[ISCALE]], %{{.*}} : f32
// CHECK:           arith.addf %{{.*}}, %cst{{.*}} : f32
// CHECK:           vector.store %{{.*}}, %[[CODES]][%{{.*}}] : memref<512xi8>, vector<8xi8>
// CHECK:           arith.divf %cst{{.*}}, %[[ISCALE]] : f32
// CHECK:           memref.store %{{.*}}, %[[SCALES]][%{{.*}}] : memref<2xf32>
// CHECK:         gpu.launch
// CHECK:           memref.load %[[SCALES]]
// CHECK:           vector.load %[[CODES]][%{{.*}}] : memref<512xi8>, vector<16xi8>
// CHECK:           nvvm.dot.accumulate.4way %{{.*}} <unsigned>, %{{.*}} <signed>, %{{.*}} : vector<4xi8>, vector<4xi8>
// CHECK-NOT:       tensor.extract %[[X]]
// CHECK:           gpu.shuffle  xor
// CHECK:         bufferization.to_tensor %[[Y]]

// MANIFEST:      func gemv 3
// MANIFEST:      scratch 0 512 memref<512xi8>
// MANIFEST-NEXT: scratch 1 8 memref<2xf32>
// MANIFEST-NEXT: launch {{.*}}.gemv_kernel.ptx gemv_kernel 1 1 1 32 4 1 a0 s0 s1
// The dp4a kernel waits for the rounding launch itself (sm_90:
// griddepcontrol), so it is launched with programmatic stream serialization.
// MANIFEST-NEXT: launch {{.*}}.gemv_kernel_0.ptx gemv_kernel 8 1 1 32 4 1 pdl a1 s1 s0 a2

// ROUND:     griddepcontrol.launch_dependents
// ROUND:     shfl.sync.bfly.b32
// ROUND:     div.rn.f32
// ROUND:     mul.rn.f32
// ROUND:     add.rn.f32
// ROUND-NOT: fma
// ROUND:     st.global.v2.b32

// DOT:     griddepcontrol.wait
// DOT:     ld.global.nc.v4.b32
// DOT:     dp4a.u32.s32
// DOT:     shfl.sync.bfly.b32

// ERR: error: quant4.matmul activations q8_k is implemented by the CPU pipeline (convert-quant4-to-linalg{int8-activations}) and the NVPTX GEMV kernel (static shapes, M <= gemv-max-rows), not here

func.func @gemv(%x: tensor<1x512xf32>, %raw: tensor<18432xi8>) -> tensor<1x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xi8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x512xf32>, !w -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
