// RUN: q4-opt %s --quant4-cpu-pipeline | FileCheck %s
// RUN: q4-opt %s --quant4-cpu-pipeline --mlir-print-ir-after=convert-linalg-to-loops 2>&1 >/dev/null | FileCheck %s --check-prefix=LOOPS
// RUN: q4-opt %s --quant4-cpu-pipeline="threads=2" | FileCheck %s --check-prefix=OMP
// RUN: q4-opt %s --quant4-cpu-pipeline --mlir-print-ir-after=convert-linalg-to-loops 2>&1 >/dev/null | FileCheck %s --check-prefix=VEC
// RUN: q4-opt %s --quant4-cpu-pipeline | FileCheck %s --check-prefix=VLLVM
// RUN: q4-opt %s --quant4-cpu-pipeline="vectorize=false" --mlir-print-ir-after=convert-linalg-to-loops 2>&1 >/dev/null | FileCheck %s --check-prefix=SCALAR

// The whole pipeline ends in the LLVM dialect with no quant4 left, and the
// matmul never materializes the dequantized 64x512 f32 weight: the only
// buffer allocated is the 8x64 result.

!w = !quant4.blocked<64x512, #quant4.q4_k>

// CHECK-NOT:   quant4.
// CHECK-LABEL: llvm.func @matmul
// CHECK-NOT:   quant4.
// CHECK:       llvm.call @malloc
// CHECK-NOT:   llvm.call @malloc
// CHECK:       llvm.return

// LOOPS-LABEL: func.func @matmul
// LOOPS-SAME:    (%{{.*}}: memref<8x512xf32>, %[[W:.*]]: memref<18432xi8>) -> memref<8x64xf32>
// LOOPS-NOT:     memref<64x512xf32>
// LOOPS-NOT:     tensor<64x512xf32>
// LOOPS:         memref.alloc() {{.*}} : memref<8x64xf32>
// LOOPS-NOT:     memref.alloc
// LOOPS-NOT:     memref<64x512xf32>
// LOOPS:         scf.for
// LOOPS:         memref.load %[[W]]
// LOOPS-NOT:     memref.alloc
// LOOPS-NOT:     memref<64x512xf32>
// LOOPS:         return
// Vectorized (the default): the matmul's own loops (MatmulKernel.cpp);
// each Q4_K sub-block's 32 codes are one vector<32xi8> read of the weight
// bytes, decoded once per group of tile-m = 4 rows into vector<32xf32>
// lanes with one accumulator per row, reduced once per output; still no
// f32 weight buffer, and the result is written in place.
// VEC-LABEL: func.func @matmul
// VEC-SAME:    (%[[X:.*]]: memref<8x512xf32>, %[[W:.*]]: memref<18432xi8>) -> memref<8x64xf32>
// VEC-NOT:     memref<64x512xf32>
// VEC:         memref.alloc() {{.*}} : memref<8x64xf32>
// VEC-NOT:     memref.alloc
// VEC:         scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// VEC:         vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : memref<18432xi8>, vector<32xi8>
// VEC:         arith.uitofp %{{.*}} : vector<32xi8> to vector<32xf32>
// VEC:         vector.transfer_read %[[X]]{{.*}} {in_bounds = [true]} : memref<8x512xf32>, vector<32xf32>
// VEC:         vector.fma %{{.*}} : vector<32xf32>
// VEC:         vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<32xf32> into f32
// VEC-NOT:     memref.alloc
// VEC-NOT:     memref<64x512xf32>
// VEC:         return
// In LLVM: plain vector loads, fmuladd, a reassociating (tree) reduction.
// VLLVM-LABEL: llvm.func @matmul
// VLLVM:         llvm.load %{{.*}} : !llvm.ptr -> vector<32xi8>
// VLLVM:         llvm.intr.fmuladd(%{{.*}}) : (vector<32xf32>, vector<32xf32>, vector<32xf32>) -> vector<32xf32>
// VLLVM:         "llvm.intr.vector.reduce.fadd"(%{{.*}}) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<32xf32>) -> f32
// vectorize=false keeps the scalar per-value loops.
// SCALAR-LABEL: func.func @matmul
// SCALAR-NOT:     vector
// SCALAR:         memref.load
// SCALAR-NOT:     vector
// SCALAR:         return
// With threads, the column tiles run as an OpenMP worksharing loop (without
// its own closing barrier: the region's join follows) and
// each tile's rows, columns and K blocks stay sequential inside it.
// OMP-LABEL: llvm.func @matmul
// OMP:         omp.parallel num_threads(%{{.*}} : i32)
// OMP:           omp.wsloop nowait
// OMP:             omp.loop_nest
// OMP-NOT:     llvm.call @malloc
// OMP:         llvm.return
func.func @matmul(%x: tensor<8x512xf32>, %raw: tensor<18432xui8>) -> tensor<8x64xf32> {
  %w = quant4.from_bytes %raw : tensor<18432xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<8x512xf32>, !w -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
