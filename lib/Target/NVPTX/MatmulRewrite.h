//===- MatmulRewrite.h - what the GPU matmul kernel passes share -*- C++
//-*-===//
//
// The GEMV-class (Gemv.cpp) and GEMM-class (MmaGemm.cpp) passes each replace
// a quant4.matmul they accept by launches that write a fresh result buffer.
// This header holds the steps around the launches that both take the same
// way: the form both accept and its sizes, finding the matmuls, allocating
// y, and handing y back as a tensor.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_MATMULREWRITE_H
#define QUANT4_TARGET_NVPTX_MATMULREWRITE_H

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace mlir::quant4 {

/// Warps a GEMV-class launch should have for latency hiding (about 31 per
/// SM of a 132-SM H100); both GEMV kernels pick their defaults by it.
constexpr int64_t kTargetWarps = 4096;

/// The sizes of a matmul of the form both kernel families compile.
struct MatmulSizes {
  int64_t rows, cols, depth;       // M, N, K
  int64_t blockSize;               // B
  int64_t blocksPerRow, numBlocks; // K / B, N * K / B
};

/// The sizes of `op` if x is a static [M, K], the weights a static [N, K]
/// made by from_bytes, result and accumulator f32 and the activation mode
/// `mode`; each pass checks the byte type of the from_bytes storage itself.
std::optional<MatmulSizes>
getStaticMatmulSizes(MatmulOp op, ActivationMode mode = ActivationMode::f32);

/// True when `fromBytes` reads i8 storage, after retyping a ui8 function
/// argument that only from_bytes ops read to i8 (the same bytes; the type
/// convert-quant4-to-linalg gives it anyway, and the only byte type
/// bufferization and arith accept).
bool hasSignlessBytes(FromBytesOp fromBytes);

/// A buffer of y's shape and element type, allocated before `op`.
memref::AllocOp allocateMatmulResult(OpBuilder &b, MatmulOp op);

/// Replaces `op` by `buffer` (written by the launches built before this
/// point) viewed as a tensor, and erases `op`.
void replaceMatmulWithBuffer(OpBuilder &b, MatmulOp op, Value buffer);

/// Calls `kernels.rewrite(op, shape)` for every matmul under `root` for
/// which `kernels.match(op)` returns a shape; all are matched before the
/// first rewrite, so rewriting never disturbs the walk.
template <typename Kernels>
void rewriteMatchingMatmuls(Operation *root, Kernels &kernels) {
  using Shape =
      typename decltype(kernels.match(std::declval<MatmulOp>()))::value_type;
  SmallVector<std::pair<MatmulOp, Shape>> work;
  root->walk([&](MatmulOp op) {
    if (auto shape = kernels.match(op))
      work.emplace_back(op, *shape);
  });
  for (auto &[op, shape] : work)
    kernels.rewrite(op, shape);
}

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_MATMULREWRITE_H
