//===- LibraryFunctions.cpp - library-wide C functions and state ----------===//

#include "Target/CPU/LibraryFunctions.h"

#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace mlir::quant4;

/// Bytes of the thread-local buffer formatted error messages go to.
static constexpr uint64_t kErrorBufferBytes = 256;

LibraryFunctions::LibraryFunctions(llvm::Module &module,
                                   const LibraryInterface &library)
    : module(module), ctx(module.getContext()) {
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  errorSlot = new llvm::GlobalVariable(
      module, ptr, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
      llvm::ConstantPointerNull::get(ptr), "__q4_error", nullptr,
      llvm::GlobalValue::GeneralDynamicTLSModel);
  auto *bufferType =
      llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), kErrorBufferBytes);
  errorBuffer = new llvm::GlobalVariable(
      module, bufferType, /*isConstant=*/false,
      llvm::GlobalValue::InternalLinkage,
      llvm::ConstantAggregateZero::get(bufferType), "__q4_error_buffer",
      nullptr, llvm::GlobalValue::GeneralDynamicTLSModel);
  addErrorFunction(library);
  if (!library.loadsWeights())
    return;
  if (!library.weights.empty())
    addWeightTable(library);
  addInitFunction(library);
}

llvm::Constant *LibraryFunctions::cString(llvm::StringRef text) {
  llvm::Constant *init = llvm::ConstantDataArray::getString(ctx, text);
  auto *global = new llvm::GlobalVariable(
      module, init->getType(),
      /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage, init, "__q4_str");
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  global->setAlignment(llvm::Align(1));
  return global;
}

void LibraryFunctions::addErrorFunction(const LibraryInterface &library) {
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  auto *fn = llvm::Function::Create(llvm::FunctionType::get(ptr, false),
                                    llvm::Function::ExternalLinkage,
                                    library.errorFunction(), module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  llvm::Value *message =
      b.CreateLoad(ptr, b.CreateThreadLocalAddress(errorSlot));
  b.CreateRet(b.CreateSelect(b.CreateIsNull(message), cString(""), message));
}

void LibraryFunctions::returnError(llvm::IRBuilder<> &b, llvm::Value *message) {
  b.CreateStore(message, b.CreateThreadLocalAddress(errorSlot));
  b.CreateRet(b.getInt32(1));
}

void LibraryFunctions::returnFormattedError(
    llvm::IRBuilder<> &b, llvm::StringRef format,
    llvm::ArrayRef<llvm::Value *> args) {
  llvm::FunctionCallee snprintf = module.getOrInsertFunction(
      "snprintf",
      llvm::FunctionType::get(b.getInt32Ty(),
                              {b.getPtrTy(), b.getInt64Ty(), b.getPtrTy()},
                              /*isVarArg=*/true));
  llvm::Value *buffer = b.CreateThreadLocalAddress(errorBuffer);
  llvm::SmallVector<llvm::Value *> callArgs = {
      buffer, b.getInt64(kErrorBufferBytes), cString(format)};
  callArgs.append(args.begin(), args.end());
  b.CreateCall(snprintf, callArgs);
  returnError(b, buffer);
}

/// Q4WeightSpec and Q4WeightTable of lib/Runtime/WeightTable.h: pointers and
/// int64_t only, so no padding.
static llvm::StructType *weightSpecType(llvm::LLVMContext &ctx) {
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  return llvm::StructType::get(ctx, {ptr, ptr, ptr, i64, ptr, i64});
}

static llvm::StructType *weightTableType(llvm::LLVMContext &ctx) {
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  return llvm::StructType::get(ctx, {ptr, ptr, i64, ptr, ptr, ptr, ptr, i64});
}

void LibraryFunctions::addWeightTable(const LibraryInterface &library) {
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::StructType *specType = weightSpecType(ctx);
  llvm::SmallVector<llvm::Constant *> specs;
  for (const WeightBinding &weight : library.weights) {
    llvm::Constant *shapeInit = llvm::ConstantDataArray::get(
        ctx, llvm::ArrayRef<uint64_t>(
                 reinterpret_cast<const uint64_t *>(weight.shape.data()),
                 weight.shape.size()));
    auto *shape = new llvm::GlobalVariable(module, shapeInit->getType(), true,
                                           llvm::GlobalValue::PrivateLinkage,
                                           shapeInit, "__q4_weight_shape");
    specs.push_back(llvm::ConstantStruct::get(
        specType,
        {cString(weight.file), cString(weight.tensor), cString(weight.element),
         llvm::ConstantInt::get(i64, weight.shape.size()), shape,
         llvm::ConstantInt::get(i64, weight.bytes)}));
  }
  auto *specsType = llvm::ArrayType::get(specType, specs.size());
  auto *specArray = new llvm::GlobalVariable(
      module, specsType, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(specsType, specs), "__q4_weight_specs");
  auto *dataType = llvm::ArrayType::get(ptr, specs.size());
  weightDataArray = new llvm::GlobalVariable(
      module, dataType, false, llvm::GlobalValue::InternalLinkage,
      llvm::ConstantAggregateZero::get(dataType), "__q4_weight_data");
  llvm::StructType *tableType = weightTableType(ctx);
  weightTable = new llvm::GlobalVariable(
      module, tableType, false, llvm::GlobalValue::InternalLinkage,
      llvm::ConstantStruct::get(tableType,
                                {cString("q4_" + library.name), specArray,
                                 llvm::ConstantInt::get(i64, specs.size()),
                                 cString(library.weightsDirVariable()),
                                 cString(library.weightsDir), weightDataArray,
                                 llvm::ConstantPointerNull::get(ptr),
                                 llvm::ConstantInt::get(i64, 0)}),
      "__q4_weights");

  // Unmap the files when the library is unloaded.
  auto *release = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), false),
      llvm::Function::InternalLinkage, "__q4_release_weights", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", release));
  b.CreateCall(module.getOrInsertFunction(
                   "q4_weights_release",
                   llvm::FunctionType::get(b.getVoidTy(), {ptr}, false)),
               {weightTable});
  b.CreateRetVoid();
  llvm::appendToGlobalDtors(module, release, /*Priority=*/65535);
}

void LibraryFunctions::addInitFunction(const LibraryInterface &library) {
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  auto *fn = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getInt32Ty(ctx), {ptr}, false),
      llvm::Function::ExternalLinkage, library.initFunction(), module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  if (weightTable) {
    returnIfError(
        b, b.CreateCall(module.getOrInsertFunction(
                            "q4_weights_load",
                            llvm::FunctionType::get(ptr, {ptr, ptr}, false)),
                        {weightTable, fn->getArg(0)}));
  }
  b.CreateRet(b.getInt32(0));
}

void LibraryFunctions::ensureWeights(llvm::IRBuilder<> &b) {
  if (!weightTable)
    return;
  llvm::PointerType *ptr = b.getPtrTy();
  returnIfError(b, b.CreateCall(module.getOrInsertFunction(
                                    "q4_weights_ensure",
                                    llvm::FunctionType::get(ptr, {ptr}, false)),
                                {weightTable}));
}

void LibraryFunctions::returnIfError(llvm::IRBuilder<> &b,
                                     llvm::Value *message) {
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  auto *fail = llvm::BasicBlock::Create(ctx, "failed", fn);
  auto *ok = llvm::BasicBlock::Create(ctx, "ok", fn);
  b.CreateCondBr(b.CreateIsNull(message), ok, fail);
  b.SetInsertPoint(fail);
  returnError(b, message);
  b.SetInsertPoint(ok);
}

llvm::Value *LibraryFunctions::weightData(llvm::IRBuilder<> &b, size_t index) {
  return b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP2_64(
                                        weightDataArray->getValueType(),
                                        weightDataArray, 0, index));
}
