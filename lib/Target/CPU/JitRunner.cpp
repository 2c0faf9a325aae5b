//===- JitRunner.cpp - compile and run a quant4 function on the CPU -------===//

#include "Target/CPU/JitRunner.h"
#include "Target/CPU/Pipeline.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::quant4;
using ::quant4::cpu::NpyArray;
using ::quant4::cpu::NpyType;

/// The .npy element type of an ABI element type (bf16 as uint16, since NumPy
/// has no bfloat16).
static NpyType npyType(AbiElementType type) {
  switch (type) {
  case AbiElementType::F32:
    return NpyType::F32;
  case AbiElementType::F16:
    return NpyType::F16;
  case AbiElementType::BF16:
    return NpyType::U16;
  case AbiElementType::U8:
    return NpyType::U8;
  case AbiElementType::I8:
    return NpyType::I8;
  }
  llvm_unreachable("unknown ABI element type");
}

/// Bytes are bytes: i8 and ui8 arrays are interchangeable.
static bool compatible(NpyType expected, NpyType actual) {
  auto isByte = [](NpyType t) { return t == NpyType::U8 || t == NpyType::I8; };
  return expected == actual || (isByte(expected) && isByte(actual));
}

CPUJit::~CPUJit() = default;

/// Makes libomp's symbols visible to the JIT (OpenMP-lowered code calls
/// __kmpc_*).
static LogicalResult loadOpenMPRuntime(ModuleOp module) {
  std::string error;
  for (const char *name : {"libomp.so", "libomp.so.5"})
    if (!llvm::sys::DynamicLibrary::LoadLibraryPermanently(name, &error))
      return success();
  return module.emitError("threads > 1 needs the OpenMP runtime: ") << error;
}

FailureOr<std::unique_ptr<CPUJit>> CPUJit::compile(ModuleOp module,
                                                   StringRef entry,
                                                   int64_t threads,
                                                   StringRef activations) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return module.emitError("no function named '") << entry << "'";
  FailureOr<EntrySignature> signature =
      prepareEntry(func, /*allowDynamicDims=*/true);
  if (failed(signature))
    return failure();
  std::unique_ptr<CPUJit> jit(new CPUJit());
  jit->signature = std::move(*signature);

  PassManager pm(module.getContext());
  CPUPipelineOptions options;
  options.threads = threads;
  options.activations = activations.str();
  // q4-run targets this host: AVX2 int8 dot products for Q8_K activations.
  options.x86Int8Dot = llvm::sys::getHostCPUFeatures().lookup("avx2");
  buildCPUPipeline(pm, options);
  if (failed(pm.run(module)))
    return failure();

  if (threads > 1 && failed(loadOpenMPRuntime(module)))
    return failure();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // The host CPU and its features (AVX2, AVX-512, ...) for both the -O3
  // pipeline (cost models) and code generation.
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return module.emitError("cannot target the host: ")
           << llvm::toString(machineBuilder.takeError());
  machineBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return module.emitError("cannot target the host: ")
           << llvm::toString(machine.takeError());
  // ExecutionEngineOptions holds a function_ref: keep the callee alive here.
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                machine->get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine =
      ExecutionEngine::create(module, engineOptions, std::move(*machine));
  if (!engine)
    return module.emitError("JIT compilation failed: ")
           << llvm::toString(engine.takeError());
  jit->engine = std::move(*engine);
  return jit;
}

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

/// The shape `input` is passed with as argument `sig`: its own, where it
/// matches the static sizes (dynamic ones are taken from it), or a byte
/// argument of rank 1 viewing any array of the right size (raw storage).
static FailureOr<std::vector<int64_t>> argumentShape(const AbiTensor &sig,
                                                     const NpyArray &input) {
  if (!compatible(npyType(sig.type), input.type))
    return failure();
  bool isByte =
      sig.type == AbiElementType::U8 || sig.type == AbiElementType::I8;
  if (isByte && sig.shape.size() == 1) {
    int64_t n = input.numElements();
    if (!sig.isDynamicDim(0) && n != sig.shape[0])
      return failure();
    return std::vector<int64_t>{n};
  }
  if (input.shape.size() != sig.shape.size())
    return failure();
  for (size_t d = 0; d < sig.shape.size(); ++d)
    if (!sig.isDynamicDim(d) && input.shape[d] != sig.shape[d])
      return failure();
  return input.shape;
}

/// A ranked memref descriptor as words: allocated, aligned, offset,
/// sizes[rank], strides[rank] (row-major, contiguous).
static std::vector<int64_t> makeDescriptor(void *data,
                                           const std::vector<int64_t> &shape) {
  std::vector<int64_t> desc = {int64_t(reinterpret_cast<intptr_t>(data)),
                               int64_t(reinterpret_cast<intptr_t>(data)), 0};
  desc.insert(desc.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  desc.insert(desc.end(), strides.begin(), strides.end());
  return desc;
}

LogicalResult CPUJit::run(const std::vector<NpyArray> &inputs,
                          std::vector<NpyArray> &outputs, std::string &error) {
  const std::vector<AbiTensor> &args = signature.args;
  const std::vector<AbiTensor> &results = signature.results;
  const std::string &entry = signature.name;
  if (inputs.size() != args.size()) {
    error = "'" + entry + "' takes " + std::to_string(args.size()) +
            " arguments, got " + std::to_string(inputs.size()) + " inputs";
    return failure();
  }
  std::vector<std::vector<int64_t>> argDescs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    FailureOr<std::vector<int64_t>> shape = argumentShape(args[i], inputs[i]);
    if (failed(shape)) {
      error = "input " + std::to_string(i) + " (" +
              ::quant4::cpu::npyDescr(inputs[i].type) + ", shape " +
              shapeString(inputs[i].shape) + ") does not match argument " +
              std::to_string(i) + " of '" + entry + "' (tensor<" +
              args[i].describe() + ">)";
      return failure();
    }
    argDescs.push_back(
        makeDescriptor(const_cast<uint8_t *>(inputs[i].data.data()), *shape));
  }
  // All results in one struct of descriptors (one descriptor when single).
  std::vector<int64_t> resultWords;
  for (const AbiTensor &sig : results)
    resultWords.resize(resultWords.size() + sig.descriptorWords());
  std::vector<void *> pointers;
  std::vector<void *> packed;
  pointers.reserve(1 + argDescs.size());
  if (!results.empty())
    pointers.push_back(resultWords.data());
  for (std::vector<int64_t> &desc : argDescs)
    pointers.push_back(desc.data());
  for (void *&p : pointers)
    packed.push_back(&p);
  if (llvm::Error err = engine->invokePacked("_mlir_ciface_" + entry, packed)) {
    error = llvm::toString(std::move(err));
    return failure();
  }

  outputs.clear();
  size_t word = 0;
  std::vector<void *> notOwned = {reinterpret_cast<void *>(0xdeadbeef)};
  for (const NpyArray &input : inputs)
    notOwned.push_back(const_cast<uint8_t *>(input.data.data()));
  for (const AbiTensor &sig : results) {
    auto *allocated = reinterpret_cast<void *>(resultWords[word]);
    auto *aligned = reinterpret_cast<uint8_t *>(resultWords[word + 1]);
    int64_t offset = resultWords[word + 2];
    NpyArray out;
    out.type = npyType(sig.type);
    // The sizes the code computed (dynamic dimensions included).
    out.shape.assign(resultWords.begin() + word + 3,
                     resultWords.begin() + word + 3 + sig.shape.size());
    size_t elementSize = abiElementSize(sig.type);
    out.data.resize(size_t(out.numElements()) * elementSize);
    std::memcpy(out.data.data(), aligned + offset * elementSize,
                out.data.size());
    outputs.push_back(std::move(out));
    // Results are fresh allocations owned by the caller, unless they are a
    // global (MLIR marks those 0xdeadbeef), an input, or another result.
    if (!llvm::is_contained(notOwned, allocated))
      std::free(allocated);
    notOwned.push_back(allocated);
    word += sig.descriptorWords();
  }
  return success();
}
