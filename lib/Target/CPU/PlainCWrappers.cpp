//===- PlainCWrappers.cpp - pointer-only C entry points -------------------===//

#include "Target/CPU/PlainCWrappers.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace mlir::quant4;
using ::quant4::cpu::NpyType;

std::string mlir::quant4::plainCName(const std::string &entry) {
  return "q4_" + entry;
}

namespace {

unsigned elementBytes(NpyType type) {
  switch (type) {
  case NpyType::F32:
    return 4;
  case NpyType::F16:
  case NpyType::U16:
    return 2;
  case NpyType::U8:
  case NpyType::I8:
    return 1;
  }
  return 1;
}

/// MLIR's ranked memref descriptor {ptr, ptr, i64, [R x i64], [R x i64]}.
llvm::StructType *descriptorType(llvm::LLVMContext &ctx, size_t rank) {
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::Type *dims = llvm::ArrayType::get(i64, rank);
  return llvm::StructType::get(ctx, {ptr, ptr, i64, dims, dims});
}

/// A descriptor of dense row-major `tensor` at `data`.
llvm::Value *buildDescriptor(llvm::IRBuilder<> &b, const AbiTensor &tensor,
                             llvm::Value *data) {
  llvm::StructType *type = descriptorType(b.getContext(), tensor.shape.size());
  llvm::Value *desc = llvm::UndefValue::get(type);
  desc = b.CreateInsertValue(desc, data, {0});
  desc = b.CreateInsertValue(desc, data, {1});
  desc = b.CreateInsertValue(desc, b.getInt64(0), {2});
  int64_t stride = 1;
  for (size_t i = tensor.shape.size(); i-- > 0;) {
    desc = b.CreateInsertValue(desc, b.getInt64(tensor.shape[i]),
                               {3, static_cast<unsigned>(i)});
    desc = b.CreateInsertValue(desc, b.getInt64(stride),
                               {4, static_cast<unsigned>(i)});
    stride *= tensor.shape[i];
  }
  return desc;
}

/// Copies the result described by `desc` to `out` and frees its memory unless
/// it is a global (MLIR marks those with allocated = 0xdeadbeef) or one of the
/// arguments.
void copyOutResult(llvm::IRBuilder<> &b, llvm::Module &module,
                   const AbiTensor &tensor, llvm::Value *desc, llvm::Value *out,
                   llvm::ArrayRef<llvm::Value *> args) {
  llvm::LLVMContext &ctx = b.getContext();
  unsigned bytes = elementBytes(tensor.type);
  llvm::Value *allocated = b.CreateExtractValue(desc, {0});
  llvm::Value *aligned = b.CreateExtractValue(desc, {1});
  llvm::Value *offset = b.CreateExtractValue(desc, {2});
  llvm::Value *src = b.CreateGEP(b.getInt8Ty(), aligned,
                                 b.CreateMul(offset, b.getInt64(bytes)));
  b.CreateMemCpy(out, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1),
                 b.getInt64(tensor.numElements() * bytes));

  llvm::Value *owned = b.CreateICmpNE(
      allocated, b.CreateIntToPtr(b.getInt64(0xdeadbeef), b.getPtrTy()));
  for (llvm::Value *arg : args)
    owned = b.CreateAnd(owned, b.CreateICmpNE(allocated, arg));
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock *freeBlock = llvm::BasicBlock::Create(ctx, "free", fn);
  llvm::BasicBlock *next = llvm::BasicBlock::Create(ctx, "next", fn);
  b.CreateCondBr(owned, freeBlock, next);
  b.SetInsertPoint(freeBlock);
  llvm::FunctionCallee freeFn = module.getOrInsertFunction(
      "free", llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false));
  b.CreateCall(freeFn, {allocated});
  b.CreateBr(next);
  b.SetInsertPoint(next);
}

} // namespace

bool mlir::quant4::addPlainCWrappers(
    llvm::Module &module, const std::vector<EntrySignature> &signatures,
    std::string &error) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  for (const EntrySignature &entry : signatures) {
    llvm::Function *ciface = module.getFunction("_mlir_ciface_" + entry.name);
    if (!ciface) {
      error = "no _mlir_ciface_" + entry.name + " in the compiled module";
      return false;
    }
    size_t numParams = entry.args.size() + entry.results.size();
    auto *type = llvm::FunctionType::get(
        llvm::Type::getVoidTy(ctx),
        llvm::SmallVector<llvm::Type *>(numParams, ptr), false);
    auto *fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                      plainCName(entry.name), module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));

    llvm::SmallVector<llvm::Value *> argData, callArgs;
    // Results come first: one descriptor, or a struct of several.
    llvm::Value *resultSlot = nullptr;
    llvm::SmallVector<llvm::Type *> resultTypes;
    for (const AbiTensor &result : entry.results)
      resultTypes.push_back(descriptorType(ctx, result.shape.size()));
    if (!entry.results.empty()) {
      llvm::Type *slotType = resultTypes.size() == 1
                                 ? resultTypes.front()
                                 : llvm::StructType::get(ctx, resultTypes);
      resultSlot = b.CreateAlloca(slotType);
      callArgs.push_back(resultSlot);
    }
    for (size_t i = 0; i < entry.args.size(); ++i) {
      llvm::Value *data = fn->getArg(i);
      argData.push_back(data);
      llvm::Value *desc = buildDescriptor(b, entry.args[i], data);
      llvm::Value *slot = b.CreateAlloca(desc->getType());
      b.CreateStore(desc, slot);
      callArgs.push_back(slot);
    }
    b.CreateCall(ciface, callArgs);

    for (size_t i = 0; i < entry.results.size(); ++i) {
      llvm::Value *descPtr =
          entry.results.size() == 1
              ? resultSlot
              : b.CreateStructGEP(llvm::StructType::get(ctx, resultTypes),
                                  resultSlot, i);
      llvm::Value *desc = b.CreateLoad(resultTypes[i], descPtr);
      copyOutResult(b, module, entry.results[i], desc,
                    fn->getArg(entry.args.size() + i), argData);
    }
    b.CreateRetVoid();
  }
  return true;
}
