//===- MarkKernelArgs.cpp - noalias / readonly kernel memref arguments ----===//

#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUMARKKERNELARGS
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;

namespace {

/// True when every use of `arg` is a memref.load from it.
static bool onlyLoaded(BlockArgument arg) {
  return llvm::all_of(arg.getUsers(), [](Operation *user) {
    return isa<memref::LoadOp>(user);
  });
}

struct MarkKernelArgs
    : quant4::impl::Quant4GPUMarkKernelArgsBase<MarkKernelArgs> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    getOperation().walk([&](gpu::GPUFuncOp func) {
      if (!func.isKernel() || func.isExternal())
        return;
      for (BlockArgument arg : func.getArguments()) {
        if (!isa<MemRefType>(arg.getType()))
          continue;
        unsigned i = arg.getArgNumber();
        func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(), unit);
        if (onlyLoaded(arg))
          func.setArgAttr(i, LLVM::LLVMDialect::getReadonlyAttrName(), unit);
      }
    });
  }
};

} // namespace
