//===- EntrySignature.cpp - the C ABI of a compiled entry function --------===//

#include "Target/HostABI/EntrySignature.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::quant4;

bool AbiTensor::isDynamicDim(size_t i) const {
  return ShapedType::isDynamic(shape[i]);
}

bool AbiTensor::hasStaticShape() const {
  return llvm::none_of(shape, ShapedType::isDynamic);
}

int64_t AbiTensor::numElements() const {
  assert(hasStaticShape() && "numElements of a dynamic shape");
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int mlir::quant4::abiElementSize(AbiElementType type) {
  switch (type) {
  case AbiElementType::F32:
    return 4;
  case AbiElementType::F16:
  case AbiElementType::BF16:
    return 2;
  case AbiElementType::U8:
  case AbiElementType::I8:
    return 1;
  }
  return 0;
}

const char *mlir::quant4::abiCType(AbiElementType type) {
  switch (type) {
  case AbiElementType::F32:
    return "float";
  case AbiElementType::F16:
  case AbiElementType::BF16:
    return "uint16_t";
  case AbiElementType::U8:
    return "uint8_t";
  case AbiElementType::I8:
    return "int8_t";
  }
  return "void";
}

static const char *mlirElementName(AbiElementType type) {
  switch (type) {
  case AbiElementType::F32:
    return "f32";
  case AbiElementType::F16:
    return "f16";
  case AbiElementType::BF16:
    return "bf16";
  case AbiElementType::U8:
    return "ui8";
  case AbiElementType::I8:
    return "i8";
  }
  return "?";
}

std::string AbiTensor::describe() const {
  std::string s;
  for (int64_t d : shape)
    s += (ShapedType::isDynamic(d) ? "?" : std::to_string(d)) + "x";
  return s + mlirElementName(type);
}

std::optional<AbiElementType> mlir::quant4::abiElementType(Type type) {
  if (type.isF32())
    return AbiElementType::F32;
  if (type.isF16())
    return AbiElementType::F16;
  if (type.isBF16())
    return AbiElementType::BF16;
  if (type.isUnsignedInteger(8))
    return AbiElementType::U8;
  if (type.isInteger(8))
    return AbiElementType::I8;
  return std::nullopt;
}

FailureOr<SmallVector<func::FuncOp>>
mlir::quant4::collectEntries(ModuleOp module, ArrayRef<std::string> names) {
  SmallVector<func::FuncOp> funcs;
  if (names.empty()) {
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        funcs.push_back(func);
    return funcs;
  }
  for (const std::string &name : names) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func)
      return module.emitError("no function named '") << name << "'";
    funcs.push_back(func);
  }
  return funcs;
}

FailureOr<EntrySignature>
mlir::quant4::getEntrySignature(func::FuncOp func, bool allowDynamicDims) {
  EntrySignature signature;
  signature.name = func.getSymName().str();
  auto add = [&](Type type, std::vector<AbiTensor> &tensors) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    std::optional<AbiElementType> element =
        tensor ? abiElementType(tensor.getElementType()) : std::nullopt;
    if (!tensor || !element ||
        (!allowDynamicDims && !tensor.hasStaticShape())) {
      func.emitError("entry arguments and results must be ")
          << (allowDynamicDims ? "ranked" : "static")
          << " tensors of f32, f16, bf16, i8 or ui8, got " << type;
      return failure();
    }
    tensors.push_back(
        {*element, std::vector<int64_t>(tensor.getShape().begin(),
                                        tensor.getShape().end())});
    return success();
  };
  for (Type type : func.getArgumentTypes())
    if (failed(add(type, signature.args)))
      return failure();
  for (Type type : func.getResultTypes())
    if (failed(add(type, signature.results)))
      return failure();
  return signature;
}

FailureOr<EntrySignature> mlir::quant4::prepareEntry(func::FuncOp func,
                                                     bool allowDynamicDims) {
  FailureOr<EntrySignature> signature =
      getEntrySignature(func, allowDynamicDims);
  if (succeeded(signature))
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(func.getContext()));
  return signature;
}
