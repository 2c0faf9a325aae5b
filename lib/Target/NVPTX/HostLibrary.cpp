//===- HostLibrary.cpp - A C-callable host library around the kernels -----===//

#include "Target/NVPTX/HostLibrary.h"
#include "Runtime/Workspace.h"
#include "Target/HostABI/HostObject.h"
#include "Target/HostABI/LibraryInterface.h"
#include "Target/NVPTX/KernelBundle.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::quant4;

/// Must match lib/Runtime/EmbeddedBundle.h.
static constexpr uint32_t kBundleVersion = 1;
/// The names of the PTX files inside the embedded manifest.
static constexpr const char *kEmbeddedBase = "embedded";

std::string mlir::quant4::hostRuntimeArchive() {
  return QUANT4_HOST_RUNTIME_ARCHIVE;
}

/// The index of each entry among the manifest's functions (the module's
/// functions with a body, in order), after checking that its host function
/// takes one buffer per tensor of the signature.
static FailureOr<SmallVector<uint32_t>>
bundleFunctionIndices(ModuleOp module, ArrayRef<EntrySignature> signatures) {
  llvm::StringMap<std::pair<uint32_t, func::FuncOp>> functions;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      functions[func.getSymName()] = {uint32_t(functions.size()), func};
  SmallVector<uint32_t> indices;
  for (const EntrySignature &signature : signatures) {
    auto found = functions.find(signature.name);
    if (found == functions.end())
      return module.emitError("no host function for entry '")
             << signature.name << "' after the NVPTX pipeline";
    auto [index, func] = found->second;
    size_t buffers = signature.args.size() + signature.results.size();
    if (func.getNumArguments() != buffers)
      return func.emitError("host function takes ")
             << func.getNumArguments() << " buffers, the entry's signature "
             << buffers;
    indices.push_back(index);
  }
  return indices;
}

/// The GPU kernels are compiled for static shapes only.
static LogicalResult checkStaticShapes(func::FuncOp func) {
  for (ArrayRef<Type> types : {func.getArgumentTypes(), func.getResultTypes()})
    for (Type type : types)
      if (!cast<ShapedType>(type).hasStaticShape())
        return func.emitError("GPU entry arguments and results must have "
                              "static shapes, got ")
               << type;
  return success();
}

/// A private constant holding `data` (with a NUL when `nul`).
static llvm::GlobalVariable *addBytes(llvm::Module &module, StringRef name,
                                      StringRef data, bool nul) {
  llvm::Constant *init =
      llvm::ConstantDataArray::getString(module.getContext(), data, nul);
  auto *global =
      new llvm::GlobalVariable(module, init->getType(), true,
                               llvm::GlobalValue::PrivateLinkage, init, name);
  global->setAlignment(llvm::Align(1));
  return global;
}

/// The Q4rtBundle constant: the manifest and every PTX image, each PTX in a
/// section of its own (`.q4.ptx.<gpu.binary>`) so tools can extract it.
static llvm::Constant *addBundle(llvm::Module &module,
                                 const KernelBundleText &bundle) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *imageType =
      llvm::StructType::create(context, {ptr, ptr, i64}, "struct.Q4rtImage");
  auto *bundleType = llvm::StructType::create(
      context, {i32, i32, ptr, i64, ptr}, "struct.Q4rtBundle");
  SmallVector<llvm::Constant *> images;
  for (const KernelBundleText::Ptx &ptx : bundle.ptx) {
    llvm::GlobalVariable *text =
        addBytes(module, "q4.ptx." + ptx.binary, ptx.text, /*nul=*/false);
    text->setSection(".q4.ptx." + ptx.binary);
    images.push_back(llvm::ConstantStruct::get(
        imageType,
        {addBytes(module, "q4.ptx.name." + ptx.binary, ptx.file, true), text,
         llvm::ConstantInt::get(i64, ptx.text.size())}));
  }
  auto *imagesType = llvm::ArrayType::get(imageType, images.size());
  auto *imageArray = new llvm::GlobalVariable(
      module, imagesType, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(imagesType, images), "q4.images");
  llvm::Constant *value = llvm::ConstantStruct::get(
      bundleType,
      {llvm::ConstantInt::get(i32, kBundleVersion),
       llvm::ConstantInt::get(i32, images.size()),
       addBytes(module, "q4.manifest", bundle.manifest, false),
       llvm::ConstantInt::get(i64, bundle.manifest.size()), imageArray});
  return new llvm::GlobalVariable(module, bundleType, true,
                                  llvm::GlobalValue::PrivateLinkage, value,
                                  "q4.bundle");
}

/// The runtime's entry points the wrappers call (EmbeddedBundle.h).
struct RuntimeCallees {
  llvm::FunctionCallee launch, launchWorkspace, prepare, lastError;
};

static RuntimeCallees declareRuntime(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto declare = [&](StringRef name, llvm::Type *result,
                     ArrayRef<llvm::Type *> params) {
    return module.getOrInsertFunction(
        name, llvm::FunctionType::get(result, params, false));
  };
  return {declare("q4rt_launch", i32, {ptr, i32, ptr, ptr, i32, ptr}),
          declare("q4rt_launch_workspace", i32,
                  {ptr, i32, ptr, ptr, i32, ptr, i64, ptr}),
          declare("q4rt_prepare", i32, {ptr, ptr, ptr}),
          declare("q4rt_last_error", ptr, {})};
}

/// An exported function `name` of `type`, without a body yet.
static llvm::Function *addExport(llvm::Module &module, StringRef name,
                                 llvm::FunctionType *type) {
  return llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, name,
                                module);
}

/// `int <name>(ptr buffers..., [ptr workspace, i64 bytes,] ptr stream)`:
/// stores the buffers in an array and calls q4rt_launch (or, with a
/// workspace, q4rt_launch_workspace) for function `index` of the bundle.
static void addLaunchWrapper(llvm::Module &module, llvm::Constant *bundle,
                             const RuntimeCallees &runtime,
                             const HostEntry &entry, uint32_t index,
                             bool withWorkspace) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  unsigned buffers =
      entry.signature.args.size() + entry.signature.results.size();
  SmallVector<llvm::Type *> params(buffers, ptr);
  if (withWorkspace)
    params.append({ptr, i64});
  params.push_back(ptr);
  std::string name =
      withWorkspace ? entry.withWorkspaceFunction() : entry.function();
  llvm::Function *function =
      addExport(module, name, llvm::FunctionType::get(i32, params, false));
  llvm::IRBuilder<> builder(
      llvm::BasicBlock::Create(context, "entry", function));
  auto *arrayType = llvm::ArrayType::get(ptr, std::max(buffers, 1u));
  llvm::Value *args = builder.CreateAlloca(arrayType);
  for (unsigned i = 0; i < buffers; ++i)
    builder.CreateStore(function->getArg(i), builder.CreateConstInBoundsGEP2_32(
                                                 arrayType, args, 0, i));
  SmallVector<llvm::Value *> operands = {
      bundle, builder.getInt32(index),
      builder.CreateGlobalString(name, name + ".name"), args,
      builder.getInt32(buffers)};
  if (withWorkspace)
    operands.append({function->getArg(buffers), function->getArg(buffers + 1)});
  operands.push_back(function->getArg(params.size() - 1));
  builder.CreateRet(builder.CreateCall(
      withWorkspace ? runtime.launchWorkspace : runtime.launch, operands));
}

/// Per entry `q4_<entry>`, `q4_<entry>_with_workspace` and
/// `q4_<entry>_workspace_size`; then `q4_<lib>_prepare` and `q4_<lib>_error`.
static std::unique_ptr<llvm::Module>
buildWrapperModule(llvm::LLVMContext &context, const KernelBundleText &bundle,
                   ArrayRef<HostEntry> entries, ArrayRef<uint32_t> indices,
                   const HostLibraryOptions &options) {
  auto module = std::make_unique<llvm::Module>("q4_host", context);
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  llvm::Constant *bundleValue = addBundle(*module, bundle);
  RuntimeCallees runtime = declareRuntime(*module);
  for (auto [entry, index] : llvm::zip_equal(entries, indices)) {
    addLaunchWrapper(*module, bundleValue, runtime, entry, index, false);
    addLaunchWrapper(*module, bundleValue, runtime, entry, index, true);
    llvm::Function *size = addExport(*module, entry.workspaceSizeFunction(),
                                     llvm::FunctionType::get(i64, false));
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", size));
    builder.CreateRet(builder.getInt64(entry.workspaceBytes));
  }
  std::string prepareName = options.prepareFunction();
  llvm::Function *prepare = addExport(
      *module, prepareName, llvm::FunctionType::get(i32, {ptr}, false));
  llvm::IRBuilder<> builder(
      llvm::BasicBlock::Create(context, "entry", prepare));
  builder.CreateRet(builder.CreateCall(
      runtime.prepare,
      {bundleValue, builder.CreateGlobalString(prepareName, "prepare.name"),
       prepare->getArg(0)}));
  llvm::Function *error = addExport(*module, options.errorFunction(),
                                    llvm::FunctionType::get(ptr, false));
  builder.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", error));
  builder.CreateRet(builder.CreateCall(runtime.lastError));
  return module;
}

/// Each entry's workspace size, from the manifest's scratch lines.
static LogicalResult setWorkspaceSizes(ModuleOp module,
                                       const KernelBundleText &bundle,
                                       ArrayRef<uint32_t> indices,
                                       MutableArrayRef<HostEntry> entries) {
  ::quant4::format::Expected<std::vector<::quant4::runtime::BundleFunction>>
      functions = ::quant4::runtime::parseBundleManifest(bundle.manifest);
  if (!functions)
    return module.emitError("the launch manifest does not parse: ")
           << functions.message();
  for (auto [entry, index] : llvm::zip_equal(entries, indices))
    entry.workspaceBytes =
        ::quant4::runtime::layoutWorkspace((*functions)[index]).bytes;
  return success();
}

/// The C names a library exports must be distinct; a clash is reported at
/// the entry that would export a name a second time.
static LogicalResult checkExportedNames(MutableArrayRef<func::FuncOp> funcs,
                                        ArrayRef<HostEntry> entries,
                                        const HostLibraryOptions &options) {
  llvm::StringMap<std::string> owners;
  owners[options.errorFunction()] = "the library";
  owners[options.prepareFunction()] = "the library";
  for (auto [func, entry] : llvm::zip_equal(funcs, entries)) {
    std::string owner = "entry '" + entry.signature.name + "'";
    for (const std::string &name :
         {entry.function(), entry.withWorkspaceFunction(),
          entry.workspaceSizeFunction()}) {
      auto [it, inserted] = owners.try_emplace(name, owner);
      if (!inserted)
        return func.emitError("the library would export ")
               << name << " twice (for " << it->second << " and " << owner
               << "); rename the function or the library";
    }
  }
  return success();
}

/// Writes `module` as LLVM IR text or an object file to `path`.
static LogicalResult emitModule(ModuleOp op, llvm::Module &module,
                                const HostLibraryOptions &options,
                                HostOutput kind, StringRef path) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostTargetMachine(options.cpu, /*optLevel=*/2, error);
  if (!machine)
    return op.emitError("no host target machine: ") << error;
  module.setTargetTriple(machine->getTargetTriple());
  module.setDataLayout(machine->createDataLayout());
  if (failed(writeHostModule(module, *machine,
                             kind == HostOutput::LLVMIR ? HostFileKind::LLVMIR
                                                        : HostFileKind::Object,
                             path, error)))
    return op.emitError(error);
  return success();
}

LogicalResult mlir::quant4::compileHostLibrary(
    ModuleOp module, ArrayRef<std::string> entries,
    const NVPTXPipelineOptions &pipeline, const HostLibraryOptions &options,
    HostOutput kind, StringRef path, std::vector<HostEntry> &hostEntries) {
  FailureOr<SmallVector<func::FuncOp>> funcs = collectEntries(module, entries);
  if (failed(funcs))
    return failure();
  hostEntries.clear();
  for (func::FuncOp func : *funcs) {
    FailureOr<EntrySignature> signature = getEntrySignature(func);
    if (failed(signature))
      return failure();
    if (failed(checkStaticShapes(func)))
      return failure();
    hostEntries.push_back({std::move(*signature)});
  }
  if (failed(checkExportedNames(*funcs, hostEntries, options)))
    return failure();
  std::vector<EntrySignature> signatures;
  for (const HostEntry &entry : hostEntries)
    signatures.push_back(entry.signature);
  PassManager pm(module.getContext());
  buildNVPTXPipeline(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  FailureOr<KernelBundleText> bundle = buildKernelBundle(module, kEmbeddedBase);
  if (failed(bundle))
    return failure();
  FailureOr<SmallVector<uint32_t>> indices =
      bundleFunctionIndices(module, signatures);
  if (failed(indices) ||
      failed(setWorkspaceSizes(module, *bundle, *indices, hostEntries)))
    return failure();

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> wrappers =
      buildWrapperModule(context, *bundle, hostEntries, *indices, options);
  if (kind != HostOutput::Shared)
    return emitModule(module, *wrappers, options, kind, path);

  std::string object = (path + ".o").str();
  if (failed(
          emitModule(module, *wrappers, options, HostOutput::Object, object)))
    return failure();
  std::string archive = hostRuntimeArchive();
  std::string error;
  LogicalResult linked =
      llvm::sys::fs::exists(archive)
          ? linkSharedLibrary(object, path, error,
                              {archive, "-Wl,--exclude-libs,ALL", "-lstdc++",
                               "-ldl", "-lpthread"})
          : failure();
  if (error.empty() && failed(linked))
    error = "lib/Runtime's host archive is missing: " + archive;
  llvm::sys::fs::remove(object);
  if (failed(linked))
    return module.emitError("linking the host library failed: ") << error;
  return success();
}
