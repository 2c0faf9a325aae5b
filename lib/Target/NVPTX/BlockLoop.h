//===- BlockLoop.h - The K-block loop of the GEMV kernels -------*- C++ -*-===//
//
// Both GEMV kernels (GemvKernel.cpp, MmaGemv.cpp) walk a row's K blocks in
// the same way: a group of lanes (or a warp) starts at block `first` and
// takes every `stride`-th one, `unroll` of them per trip (their bytes
// loaded before any of their math) while the last is in the row, then the
// rest one per trip.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_BLOCKLOOP_H
#define QUANT4_TARGET_NVPTX_BLOCKLOOP_H

#include "mlir/IR/Builders.h"

namespace mlir::quant4 {

/// The values `body` yields after blocks first, first + stride, ... <
/// `blocks` (iteration values starting at `init`); `body` gets a trip's
/// block indices. Needs first < stride and unroll x stride <= blocks.
SmallVector<Value> buildBlockLoop(
    OpBuilder &b, Location loc, Value first, int64_t stride, int64_t unroll,
    int64_t blocks, ValueRange init,
    function_ref<SmallVector<Value>(ValueRange kbs, ValueRange iter)> body);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_BLOCKLOOP_H
