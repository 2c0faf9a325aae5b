//===- MarkKernelArgs.cpp - noalias / readonly / aligned kernel memrefs ---===//

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

/// Kernel pointers are 16-byte aligned (the ABI; cuMemAlloc gives 256), so
/// LLVM may merge a block's byte loads into 16-byte vector loads.
constexpr int64_t kArgAlignment = 16;

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
    IntegerAttr align =
        IntegerAttr::get(IntegerType::get(&getContext(), 64), kArgAlignment);
    getOperation().walk([&](gpu::GPUFuncOp func) {
      if (!func.isKernel() || func.isExternal())
        return;
      // The body's block arguments past the function's inputs are
      // workgroup / private attributions, not kernel parameters.
      for (BlockArgument arg :
           func.getArguments().take_front(func.getNumArguments())) {
        if (!isa<MemRefType>(arg.getType()))
          continue;
        unsigned i = arg.getArgNumber();
        func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(), unit);
        func.setArgAttr(i, LLVM::LLVMDialect::getAlignAttrName(), align);
        if (onlyLoaded(arg))
          func.setArgAttr(i, LLVM::LLVMDialect::getReadonlyAttrName(), unit);
      }
      // Workgroup buffers 16-byte aligned too: cp.async and ldmatrix move
      // 16-byte rows, and vector accesses may be 16 bytes wide.
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        func.setWorkgroupAttributionAttr(
            i, LLVM::LLVMDialect::getAlignAttrName(), align);
    });
  }
};

} // namespace
