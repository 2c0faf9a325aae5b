// Every C name a GPU host library exports is one entry's or the library's
// own: a second entry or the library may not reuse it.
// RUN: not q4-compile %s --target=nvptx -o %t.so 2>&1 | FileCheck %s --check-prefix=ENTRIES
// RUN: not q4-compile %s --target=nvptx --entry=x_prepare --lib-name=x -o %t.so 2>&1 | FileCheck %s --check-prefix=LIBRARY

// ENTRIES: host-library-names.mlir:[[# @LINE + 7]]:1: error: the library would export q4_f_with_workspace twice (for entry 'f' and entry 'f_with_workspace'); rename the function or the library
// LIBRARY: host-library-names.mlir:[[# @LINE + 10]]:1: error: the library would export q4_x_prepare twice (for the library and entry 'x_prepare'); rename the function or the library

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func @f_with_workspace(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func @x_prepare(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
