//===- KernelBundle.cpp - PTX files + launch manifest from a module -------===//

#include "Target/NVPTX/KernelBundle.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::quant4;

/// Writes `text` to `path`; false (and a message) on failure.
static LogicalResult writeFile(Location loc, StringRef path, StringRef text) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
  if (error)
    return emitError(loc) << "cannot write " << path << ": " << error.message();
  os << text;
  return success();
}

/// Bytes of a static identity-layout memref, or failure.
static FailureOr<int64_t> memrefBytes(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || !memref.getLayout().isIdentity())
    return failure();
  return memref.getNumElements() * memref.getElementTypeBitWidth() / 8;
}

/// "a<i>" for a function argument, "s<i>" for scratch buffer i (a host
/// memref.alloc), "i64:<v>" etc. for a constant.
static FailureOr<std::string>
describeOperand(gpu::LaunchFuncOp launch, Value operand,
                const llvm::DenseMap<Operation *, unsigned> &scratch) {
  if (auto arg = dyn_cast<BlockArgument>(operand)) {
    if (isa<func::FuncOp>(arg.getOwner()->getParentOp()))
      return "a" + std::to_string(arg.getArgNumber());
  }
  if (Operation *def = operand.getDefiningOp(); def && scratch.count(def))
    return "s" + std::to_string(scratch.lookup(def));
  Attribute value;
  if (auto constant = operand.getDefiningOp<arith::ConstantOp>())
    value = constant.getValue();
  if (auto integer = dyn_cast_or_null<IntegerAttr>(value)) {
    unsigned width = integer.getType().isIndex()
                         ? 64
                         : integer.getType().getIntOrFloatBitWidth();
    if (width == 32 || width == 64)
      return "i" + std::to_string(width) + ":" +
             std::to_string(integer.getValue().getSExtValue());
  }
  if (auto real = dyn_cast_or_null<FloatAttr>(value);
      real && real.getType().isF32())
    return "f32:" +
           std::to_string(real.getValue().bitcastToAPInt().getZExtValue());
  return launch.emitError("kernel operand is neither an argument of the host "
                          "function nor an i32/i64/f32 constant: ")
         << operand;
}

static FailureOr<int64_t> constantDim(gpu::LaunchFuncOp launch, Value v) {
  std::optional<int64_t> value = getConstantIntValue(v);
  if (!value)
    return launch.emitError("launch dimensions must be constants");
  return *value;
}

FailureOr<KernelBundleText> mlir::quant4::buildKernelBundle(ModuleOp module,
                                                            StringRef base) {
  KernelBundleText bundle;
  llvm::StringMap<std::string> ptxFiles;
  llvm::StringSet<> waitingModules;
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    std::string file = (base + "." + binary.getName() + ".ptx").str();
    auto object = dyn_cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    if (!object || object.getFormat() != gpu::CompilationTarget::Assembly)
      return binary.emitError("expected PTX (gpu-module-to-binary format=isa)");
    bundle.ptx.push_back(
        {binary.getName().str(), file, object.getObject().getValue().str()});
    ptxFiles[binary.getName()] = file;
    if (StringRef(bundle.ptx.back().text).contains("griddepcontrol.wait"))
      waitingModules.insert(binary.getName());
  }
  if (!module.getOps<gpu::GPUModuleOp>().empty())
    return module.emitError("gpu.module left: run gpu-module-to-binary first");

  llvm::raw_string_ostream os(bundle.manifest);
  os << "quant4-nvptx-bundle 1\n";
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    os << "func " << func.getSymName() << " " << func.getNumArguments() << "\n";
    for (BlockArgument arg : func.getArguments()) {
      FailureOr<int64_t> bytes = memrefBytes(arg.getType());
      if (failed(bytes))
        return func.emitError("host arguments must be static identity-layout "
                              "memrefs, got ")
               << arg.getType();
      os << "arg " << arg.getArgNumber() << " " << *bytes << " "
         << arg.getType() << "\n";
    }
    // Temporaries between kernels (e.g. split-K partial sums) become scratch
    // buffers the runtime allocates once per function.
    llvm::DenseMap<Operation *, unsigned> scratch;
    for (auto alloc : func.getOps<memref::AllocOp>()) {
      FailureOr<int64_t> bytes = memrefBytes(alloc.getType());
      if (failed(bytes))
        return alloc.emitError("scratch buffers must be static memrefs");
      unsigned index = scratch.size();
      scratch[alloc] = index;
      os << "scratch " << index << " " << *bytes << " " << alloc.getType()
         << "\n";
    }
    WalkResult walk = func.walk([&](Operation *op) {
      auto launch = dyn_cast<gpu::LaunchFuncOp>(op);
      if (!launch) {
        bool allowed = isa<func::ReturnOp, arith::ConstantOp, memref::AllocOp,
                           memref::DeallocOp>(op) ||
                       op == func.getOperation();
        if (!allowed)
          op->emitError("host code other than kernel launches is not "
                        "supported by the bundle");
        return allowed ? WalkResult::advance() : WalkResult::interrupt();
      }
      auto file = ptxFiles.find(launch.getKernelModuleName());
      if (file == ptxFiles.end()) {
        launch.emitError("no gpu.binary for this launch");
        return WalkResult::interrupt();
      }
      os << "launch " << file->second << " " << launch.getKernelName().str();
      for (Value dim : {launch.getGridSizeX(), launch.getGridSizeY(),
                        launch.getGridSizeZ(), launch.getBlockSizeX(),
                        launch.getBlockSizeY(), launch.getBlockSizeZ()}) {
        FailureOr<int64_t> size = constantDim(launch, dim);
        if (failed(size))
          return WalkResult::interrupt();
        os << " " << *size;
      }
      if (launch.getClusterSizeX()) {
        launch.emitError("clusters are not supported by the bundle");
        return WalkResult::interrupt();
      }
      if (Value shared = launch.getDynamicSharedMemorySize()) {
        std::optional<int64_t> bytes = getConstantIntValue(shared);
        if (!bytes || *bytes < 0 || *bytes > UINT32_MAX) {
          launch.emitError("dynamic shared memory size must be a constant "
                           "from 0 to 2^32 - 1");
          return WalkResult::interrupt();
        }
        if (*bytes > 0)
          os << " shared=" << *bytes;
      }
      if (waitingModules.contains(launch.getKernelModuleName()))
        os << " pdl";
      for (Value operand : launch.getKernelOperands()) {
        FailureOr<std::string> text = describeOperand(launch, operand, scratch);
        if (failed(text))
          return WalkResult::interrupt();
        os << " " << *text;
      }
      os << "\n";
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
  }
  return bundle;
}

LogicalResult mlir::quant4::writeKernelBundle(ModuleOp module,
                                              const std::string &prefix) {
  FailureOr<KernelBundleText> bundle =
      buildKernelBundle(module, llvm::sys::path::filename(prefix));
  if (failed(bundle))
    return failure();
  StringRef directory = llvm::sys::path::parent_path(prefix);
  for (const KernelBundleText::Ptx &ptx : bundle->ptx) {
    std::string path =
        directory.empty() ? ptx.file : (directory + "/" + ptx.file).str();
    if (failed(writeFile(module.getLoc(), path, ptx.text)))
      return failure();
  }
  return writeFile(module.getLoc(), prefix + ".manifest", bundle->manifest);
}
