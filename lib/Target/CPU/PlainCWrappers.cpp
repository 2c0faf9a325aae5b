//===- PlainCWrappers.cpp - pointer-only C entry points -------------------===//

#include "Target/CPU/PlainCWrappers.h"
#include "Target/CPU/LibraryFunctions.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace mlir::quant4;

namespace {

/// MLIR's ranked memref descriptor {ptr, ptr, i64, [R x i64], [R x i64]}.
llvm::StructType *descriptorType(llvm::LLVMContext &ctx, size_t rank) {
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::Type *dims = llvm::ArrayType::get(i64, rank);
  return llvm::StructType::get(ctx, {ptr, ptr, i64, dims, dims});
}

/// A dense row-major buffer of the plain entry point.
struct Buffer {
  const AbiTensor *tensor;
  std::string name;
  llvm::Value *data;
  /// Constants for static dimensions, the caller's int64_t for dynamic ones.
  llvm::SmallVector<llvm::Value *> sizes;
};

/// A descriptor of `buffer` with row-major strides.
llvm::Value *buildDescriptor(llvm::IRBuilder<> &b, const Buffer &buffer) {
  size_t rank = buffer.sizes.size();
  llvm::Value *desc =
      llvm::UndefValue::get(descriptorType(b.getContext(), rank));
  desc = b.CreateInsertValue(desc, buffer.data, {0});
  desc = b.CreateInsertValue(desc, buffer.data, {1});
  desc = b.CreateInsertValue(desc, b.getInt64(0), {2});
  llvm::Value *stride = b.getInt64(1);
  for (size_t i = rank; i-- > 0;) {
    auto dim = static_cast<unsigned>(i);
    desc = b.CreateInsertValue(desc, buffer.sizes[i], {3, dim});
    desc = b.CreateInsertValue(desc, stride, {4, dim});
    stride = b.CreateMul(stride, buffer.sizes[i]);
  }
  return desc;
}

/// Emits `q4_<name>` for one entry.
class WrapperBuilder {
public:
  WrapperBuilder(llvm::Module &module, LibraryFunctions &functions,
                 const LibraryInterface &library, const EntrySignature &entry)
      : module(module), ctx(module.getContext()), functions(functions),
        library(library), entry(entry), b(ctx) {}

  bool build(std::string &error);

private:
  /// The function with one pointer per buffer, each followed by its dynamic
  /// sizes; fills `args` and `results`.
  llvm::Function *createFunction();
  /// Returns with an error unless every dynamic size is >= 0.
  void checkSizesNotNegative(const Buffer &buffer);
  /// Runs `fail` in a new block when `ok` is false; continues after.
  void check(llvm::Value *ok, llvm::function_ref<void()> fail);
  /// Frees the results the compiled code allocated (not globals, arguments,
  /// weights, or another result's memory).
  void freeResults(llvm::ArrayRef<llvm::Value *> descs,
                   llvm::ArrayRef<llvm::Value *> borrowed);
  std::string prefix() const { return plainCName(entry.name) + ": "; }

  llvm::Module &module;
  llvm::LLVMContext &ctx;
  LibraryFunctions &functions;
  const LibraryInterface &library;
  const EntrySignature &entry;
  llvm::IRBuilder<> b;
  llvm::Function *fn = nullptr;
  llvm::SmallVector<Buffer> args, results;
};

llvm::Function *WrapperBuilder::createFunction() {
  llvm::Type *ptr = b.getPtrTy(), *i64 = b.getInt64Ty();
  llvm::SmallVector<llvm::Type *> params;
  llvm::SmallVector<std::string> names;
  auto addParams = [&](const std::vector<AbiTensor> &tensors,
                       const char *kind) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      std::string name = kind + std::to_string(i);
      params.push_back(ptr);
      names.push_back(name);
      for (size_t d = 0; d < tensors[i].shape.size(); ++d)
        if (tensors[i].isDynamicDim(d)) {
          params.push_back(i64);
          names.push_back(name + "_d" + std::to_string(d));
        }
    }
  };
  addParams(entry.args, "arg");
  addParams(entry.results, "result");
  fn = llvm::Function::Create(
      llvm::FunctionType::get(b.getInt32Ty(), params, false),
      llvm::Function::ExternalLinkage, plainCName(entry.name), module);
  for (auto [arg, name] : llvm::zip_equal(fn->args(), names))
    arg.setName(name);

  unsigned param = 0;
  auto bind = [&](const std::vector<AbiTensor> &tensors, const char *kind,
                  llvm::SmallVector<Buffer> &buffers) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      Buffer buffer{
          &tensors[i], kind + std::to_string(i), fn->getArg(param++), {}};
      for (size_t d = 0; d < tensors[i].shape.size(); ++d)
        buffer.sizes.push_back(
            tensors[i].isDynamicDim(d)
                ? static_cast<llvm::Value *>(fn->getArg(param++))
                : b.getInt64(tensors[i].shape[d]));
      buffers.push_back(std::move(buffer));
    }
  };
  bind(entry.args, "arg", args);
  bind(entry.results, "result", results);
  return fn;
}

void WrapperBuilder::check(llvm::Value *ok, llvm::function_ref<void()> fail) {
  auto *failBlock = llvm::BasicBlock::Create(ctx, "fail", fn);
  auto *next = llvm::BasicBlock::Create(ctx, "ok", fn);
  b.CreateCondBr(ok, next, failBlock);
  b.SetInsertPoint(failBlock);
  fail();
  b.SetInsertPoint(next);
}

void WrapperBuilder::checkSizesNotNegative(const Buffer &buffer) {
  for (size_t d = 0; d < buffer.sizes.size(); ++d) {
    if (!buffer.tensor->isDynamicDim(d))
      continue;
    llvm::Value *size = buffer.sizes[d];
    check(b.CreateICmpSGE(size, b.getInt64(0)), [&] {
      functions.returnFormattedError(
          b,
          prefix() + buffer.name + " dimension " + std::to_string(d) +
              " is %lld, a size must not be negative",
          {size});
    });
  }
}

void WrapperBuilder::freeResults(llvm::ArrayRef<llvm::Value *> descs,
                                 llvm::ArrayRef<llvm::Value *> borrowed) {
  llvm::FunctionCallee freeFn = module.getOrInsertFunction(
      "free", llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false));
  llvm::SmallVector<llvm::Value *> notOwned(borrowed);
  // MLIR marks memory it did not allocate (globals) with 0xdeadbeef.
  notOwned.push_back(b.CreateIntToPtr(b.getInt64(0xdeadbeef), b.getPtrTy()));
  for (llvm::Value *desc : descs) {
    llvm::Value *allocated = b.CreateExtractValue(desc, {0});
    llvm::Value *owned = b.getTrue();
    for (llvm::Value *other : notOwned)
      owned = b.CreateAnd(owned, b.CreateICmpNE(allocated, other));
    auto *freeBlock = llvm::BasicBlock::Create(ctx, "free", fn);
    auto *next = llvm::BasicBlock::Create(ctx, "freed", fn);
    b.CreateCondBr(owned, freeBlock, next);
    b.SetInsertPoint(freeBlock);
    b.CreateCall(freeFn, {allocated});
    b.CreateBr(next);
    b.SetInsertPoint(next);
    notOwned.push_back(allocated);
  }
}

bool WrapperBuilder::build(std::string &error) {
  llvm::Function *ciface = module.getFunction("_mlir_ciface_" + entry.name);
  if (!ciface) {
    error = "no _mlir_ciface_" + entry.name + " in the compiled module";
    return false;
  }
  createFunction();
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
  if (!entry.weights.empty())
    functions.ensureWeights(b);
  for (const Buffer &buffer : args)
    checkSizesNotNegative(buffer);
  for (const Buffer &buffer : results)
    checkSizesNotNegative(buffer);

  llvm::SmallVector<llvm::Value *> callArgs, borrowed;
  // Results come first: one descriptor, or a struct of several.
  llvm::SmallVector<llvm::Type *> resultTypes;
  for (const Buffer &result : results)
    resultTypes.push_back(descriptorType(ctx, result.sizes.size()));
  llvm::Type *slotType = resultTypes.size() == 1
                             ? resultTypes.front()
                             : llvm::StructType::get(ctx, resultTypes);
  llvm::Value *resultSlot = nullptr;
  if (!results.empty()) {
    resultSlot = b.CreateAlloca(slotType);
    callArgs.push_back(resultSlot);
  }
  llvm::SmallVector<Buffer> inputs(args);
  for (size_t index : entry.weights) {
    const AbiTensor &abi = library.weights[index].abi;
    Buffer weight{&abi, "weight", functions.weightData(b, index), {}};
    for (int64_t d : abi.shape)
      weight.sizes.push_back(b.getInt64(d));
    inputs.push_back(std::move(weight));
  }
  for (const Buffer &input : inputs) {
    llvm::Value *desc = buildDescriptor(b, input);
    llvm::Value *slot = b.CreateAlloca(desc->getType());
    b.CreateStore(desc, slot);
    callArgs.push_back(slot);
    borrowed.push_back(input.data);
  }
  b.CreateCall(ciface, callArgs);

  llvm::SmallVector<llvm::Value *> descs;
  for (size_t i = 0; i < results.size(); ++i) {
    llvm::Value *descPtr = results.size() == 1
                               ? resultSlot
                               : b.CreateStructGEP(slotType, resultSlot, i);
    descs.push_back(b.CreateLoad(resultTypes[i], descPtr));
  }
  // A result of another size than the caller's buffer is an error.
  for (size_t i = 0; i < results.size(); ++i) {
    const Buffer &result = results[i];
    llvm::Value *desc = descs[i];
    for (size_t d = 0; d < result.sizes.size(); ++d) {
      if (!result.tensor->isDynamicDim(d))
        continue;
      auto dim = static_cast<unsigned>(d);
      llvm::Value *size = b.CreateExtractValue(desc, {3, dim});
      check(b.CreateICmpEQ(size, result.sizes[d]), [&] {
        freeResults(descs, borrowed);
        functions.returnFormattedError(
            b,
            prefix() + result.name + " dimension " + std::to_string(d) +
                " is %lld, but the caller passed %lld",
            {size, result.sizes[d]});
      });
    }
  }
  for (auto [result, desc] : llvm::zip_equal(results, descs)) {
    uint64_t elementBytes = abiElementSize(result.tensor->type);
    llvm::Value *bytes = b.getInt64(elementBytes);
    for (llvm::Value *size : result.sizes)
      bytes = b.CreateMul(bytes, size);
    llvm::Value *offset = b.CreateExtractValue(desc, {2});
    llvm::Value *src =
        b.CreateGEP(b.getInt8Ty(), b.CreateExtractValue(desc, {1}),
                    b.CreateMul(offset, b.getInt64(elementBytes)));
    b.CreateMemCpy(result.data, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1),
                   bytes);
  }
  freeResults(descs, borrowed);
  b.CreateRet(b.getInt32(0));
  return true;
}

} // namespace

bool mlir::quant4::addPlainCWrappers(llvm::Module &module,
                                     const LibraryInterface &library,
                                     std::string &error) {
  LibraryFunctions functions(module, library);
  for (const EntrySignature &entry : library.entries)
    if (!WrapperBuilder(module, functions, library, entry).build(error))
      return false;
  return true;
}
