// RUN: q4-opt %s --split-input-file --quant4-omp-nowait | FileCheck %s

// The worksharing loop that ends its parallel region (what
// convert-scf-to-openmp makes of an scf.parallel) drops its own barrier: the
// region's join follows.

// CHECK-LABEL: func.func @last_in_region
// CHECK:         omp.parallel
// CHECK-NEXT:      omp.wsloop nowait {
// CHECK:           omp.terminator
func.func @last_in_region(%n: index, %buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        memref.store %one, %buf[%i] : memref<?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A loop followed by other work in the region keeps its barrier: the work
// after it may read what other threads wrote.

// CHECK-LABEL: func.func @work_after_loop
// CHECK:         omp.wsloop {
// CHECK-NOT:     nowait
func.func @work_after_loop(%n: index, %buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        memref.store %one, %buf[%i] : memref<?xf32>
        omp.yield
      }
    }
    %v = memref.load %buf[%c0] : memref<?xf32>
    memref.store %v, %buf[%c1] : memref<?xf32>
    omp.terminator
  }
  return
}

// -----

// A loop with a reduction keeps its barrier.

omp.declare_reduction @add_f32 : f32 init {
^bb0(%arg: f32):
  %zero = arith.constant 0.0 : f32
  omp.yield(%zero : f32)
} combiner {
^bb0(%a: f32, %b: f32):
  %sum = arith.addf %a, %b : f32
  omp.yield(%sum : f32)
}

// CHECK-LABEL: func.func @reduction
// CHECK:         omp.wsloop reduction(
// CHECK-NOT:     nowait
func.func @reduction(%n: index, %buf: memref<?xf32>, %acc: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  omp.parallel {
    omp.wsloop reduction(@add_f32 %acc -> %prv : memref<f32>) {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        %v = memref.load %buf[%i] : memref<?xf32>
        %s = memref.load %prv[] : memref<f32>
        %t = arith.addf %s, %v : f32
        memref.store %t, %prv[] : memref<f32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A loop outside any parallel region (orphaned) keeps its barrier.

// CHECK-LABEL: func.func @orphaned
// CHECK:         omp.wsloop {
// CHECK-NOT:     nowait
func.func @orphaned(%n: index, %buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  omp.wsloop {
    omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
      memref.store %one, %buf[%i] : memref<?xf32>
      omp.yield
    }
  }
  return
}
