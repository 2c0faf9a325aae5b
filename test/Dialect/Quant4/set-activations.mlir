// RUN: q4-opt %s --quant4-set-activations | FileCheck %s
// RUN: q4-opt %s --quant4-set-activations=mode=f32 | FileCheck %s --check-prefix=F32
// RUN: not q4-opt %s --quant4-set-activations=mode=q8_0 2>&1 | FileCheck %s --check-prefix=BAD

// mode=q8_k (the default) goes to every matmul that has no mode and allows
// it (C19: Q4_K weights, C20: f32 accumulator); explicit modes stay.

// CHECK-LABEL: func.func @modes
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} activations q8_k : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k>
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} activations f32 : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k>
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} {acc_type = f64} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k>
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.nf4>
// CHECK:         quant4.matmul %{{.*}}, %{{.*}} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.mxfp4>
// F32-LABEL:   func.func @modes
// F32:           quant4.matmul %{{.*}}, %{{.*}} activations f32 : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k>
// F32:           quant4.matmul %{{.*}}, %{{.*}} activations f32 : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k>
// F32:           quant4.matmul %{{.*}}, %{{.*}} activations f32 {acc_type = f64}
// F32:           quant4.matmul %{{.*}}, %{{.*}} activations f32 : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.nf4>
// BAD:         error: quant4-set-activations: unknown mode 'q8_0' (expected f32 or q8_k)
func.func @modes(%x: tensor<1x256xf32>, %q: !quant4.blocked<4x256, #quant4.q4_k>, %n: !quant4.blocked<4x256, #quant4.nf4>, %m: !quant4.blocked<4x256, #quant4.mxfp4>) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %a = quant4.matmul %x, %q : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  %b = quant4.matmul %x, %q activations f32 : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  %c = quant4.matmul %x, %q {acc_type = f64} : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<1x4xf32>
  %d = quant4.matmul %x, %n : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.nf4> -> tensor<1x4xf32>
  %e = quant4.matmul %x, %m : tensor<1x256xf32>, !quant4.blocked<4x256, #quant4.mxfp4> -> tensor<1x4xf32>
  return %a, %b, %c, %d, %e : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}

// max-rows: only static activations with at most that many rows (all
// dimensions but the last) change; dynamic rows and larger M keep f32.
// RUN: q4-opt %s --quant4-set-activations=max-rows=16 | FileCheck %s --check-prefix=ROWS
// ROWS-LABEL: func.func @rows
// ROWS:         quant4.matmul %{{.*}}, %{{.*}} activations q8_k : tensor<16x256xf32>
// ROWS:         quant4.matmul %{{.*}}, %{{.*}} : tensor<17x256xf32>
// ROWS:         quant4.matmul %{{.*}}, %{{.*}} : tensor<?x256xf32>
// ROWS:         quant4.matmul %{{.*}}, %{{.*}} activations q8_k : tensor<2x8x256xf32>
// ROWS:         quant4.matmul %{{.*}}, %{{.*}} : tensor<2x9x256xf32>
func.func @rows(%x16: tensor<16x256xf32>, %x17: tensor<17x256xf32>, %xd: tensor<?x256xf32>, %b16: tensor<2x8x256xf32>, %b18: tensor<2x9x256xf32>, %q: !quant4.blocked<4x256, #quant4.q4_k>) -> (tensor<16x4xf32>, tensor<17x4xf32>, tensor<?x4xf32>, tensor<2x8x4xf32>, tensor<2x9x4xf32>) {
  %a = quant4.matmul %x16, %q : tensor<16x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<16x4xf32>
  %b = quant4.matmul %x17, %q : tensor<17x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<17x4xf32>
  %c = quant4.matmul %xd, %q : tensor<?x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<?x4xf32>
  %d = quant4.matmul %b16, %q : tensor<2x8x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<2x8x4xf32>
  %e = quant4.matmul %b18, %q : tensor<2x9x256xf32>, !quant4.blocked<4x256, #quant4.q4_k> -> tensor<2x9x4xf32>
  return %a, %b, %c, %d, %e : tensor<16x4xf32>, tensor<17x4xf32>, tensor<?x4xf32>, tensor<2x8x4xf32>, tensor<2x9x4xf32>
}
