// q4-compile --weights=load turns each quant4.weight op of an entry into an
// argument the library binds to the model file; weights elsewhere are errors.
//
// RUN: not q4-compile %s --weights=load --entry outer --emit=mlir -o %t 2>&1 | FileCheck %s --check-prefix=OUTSIDE
// OUTSIDE: error: 'quant4.weight' op is read at load time (--weights=load) only in an entry function; make its function an entry or use --weights=embed
// RUN: not q4-compile %s --weights=load --entry helper --entry outer --emit=mlir -o %t 2>&1 | FileCheck %s --check-prefix=CALLED
// CALLED: error: entry 'helper' reads weights at load time (--weights=load) and must not be called by other functions
// RUN: not q4-compile %s --weights=mmap -o %t 2>&1 | FileCheck %s --check-prefix=FLAG
// FLAG: q4-compile: --weights must be embed or load, got 'mmap'

func.func private @helper() -> tensor<4096xf32> {
  %w = quant4.weight "output_norm.weight" from "model.gguf" : tensor<4096xf32>
  return %w : tensor<4096xf32>
}

func.func @outer() -> tensor<4096xf32> {
  %r = call @helper() : () -> tensor<4096xf32>
  return %r : tensor<4096xf32>
}
