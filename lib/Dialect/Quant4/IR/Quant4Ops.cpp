//===- Quant4Ops.cpp - quant4 operations ----------------------------------===//
//
// Verifiers cite the numbered constraints of docs/Spec.md.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::quant4;

#define GET_OP_CLASSES
#include "dialect/Quant4Ops.cpp.inc"

/// Prints a shape as [4096, ?] for diagnostics.
static std::string shapeToString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

static bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// C4: a float tensor and a blocked tensor describing the same values.
static LogicalResult verifySameValues(Operation *op, RankedTensorType floats,
                                      BlockedTensorType blocked) {
  if (failed(verifyCompatibleShape(floats.getShape(), blocked.getShape())))
    return op->emitOpError("float shape ")
           << shapeToString(floats.getShape())
           << " does not match blocked shape "
           << shapeToString(blocked.getShape()) << " (C4)";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  BlockedTensorType type = getResult().getType();
  if (failed(verifySameValues(*this, getInput().getType(), type)))
    return failure();
  std::optional<QuantRule> rule = getRule();
  if (!rule)
    return success();
  ArrayRef<QuantRule> rules = type.getFormat().getSupportedRules();
  if (llvm::is_contained(rules, *rule))
    return success();
  InFlightDiagnostic diag = emitOpError("rule '")
                            << stringifyQuantRule(*rule)
                            << "' is not offered by format "
                            << type.getFormat() << " (offers: ";
  if (rules.empty())
    diag << "no choice of rule";
  else
    llvm::interleaveComma(rules, diag, [&](QuantRule r) {
      diag << stringifyQuantRule(r);
    });
  return diag << ") (C5)";
}

LogicalResult DequantizeOp::verify() {
  return verifySameValues(*this, getResult().getType(), getInput().getType());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// C19, C20: what the integer-activation modes need.
static LogicalResult verifyActivationMode(MatmulOp op) {
  if (op.getActivationModeOrDefault() != ActivationMode::q8_k)
    return success();
  BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
  if (!isa<Q4KAttr>(format))
    return op.emitOpError("activations q8_k needs #quant4.q4_k weights, got ")
           << format << " (C19)";
  FloatType acc = op.getAccumulatorType();
  if (!acc.isF32())
    return op.emitOpError("activations q8_k accumulates in f32, got acc_type ")
           << acc << " (C20)";
  return success();
}

FloatType MatmulOp::getAccumulatorType() {
  if (std::optional<Type> acc = getAccType())
    return cast<FloatType>(*acc);
  return Float32Type::get(getContext());
}

LogicalResult MatmulOp::verify() {
  ArrayRef<int64_t> x = getActivations().getType().getShape();
  ArrayRef<int64_t> w = getWeights().getType().getShape();
  ArrayRef<int64_t> y = getResult().getType().getShape();
  if (w.size() != 2)
    return emitOpError("weights must have rank 2 ([N, K]), got rank ")
           << w.size() << " (C6)";
  if (x.size() < 2)
    return emitOpError("activations must have rank >= 2 ([..., M, K]), got "
                       "rank ")
           << x.size() << " (C7)";
  if (y.size() != x.size())
    return emitOpError("result rank ")
           << y.size() << " must equal activations rank " << x.size()
           << " (C7)";
  if (!dimsCompatible(x.back(), w[1]))
    return emitOpError("contraction dimension mismatch: activations have K = ")
           << x.back() << ", weights have K = " << w[1] << " (C8)";
  for (size_t i = 0; i + 1 < x.size(); ++i)
    if (!dimsCompatible(x[i], y[i]))
      return emitOpError("result shape ")
             << shapeToString(y) << " does not match activations shape "
             << shapeToString(x) << " in dimension " << i << " (C9)";
  if (!dimsCompatible(y.back(), w[0]))
    return emitOpError("result N = ")
           << y.back() << " does not match weights N = " << w[0] << " (C9)";
  FloatType acc = getAccumulatorType();
  Type resultElt = getResult().getType().getElementType();
  if (acc.getWidth() < resultElt.getIntOrFloatBitWidth())
    return emitOpError("accumulator type ")
           << acc << " is narrower than the result element type " << resultElt
           << " (C10)";
  return verifyActivationMode(*this);
}

//===----------------------------------------------------------------------===//
// FromBytesOp / ToBytesOp
//===----------------------------------------------------------------------===//

LogicalResult FromBytesOp::verify() {
  BlockedTensorType type = getResult().getType();
  int64_t expected = type.getNumDynamicDims();
  if (static_cast<int64_t>(getDynamicDims().size()) != expected)
    return emitOpError("expected ")
           << expected << " dynamic dimension operands for " << type
           << ", got " << getDynamicDims().size() << " (C11)";
  int64_t bytes = getBytes().getType().getDimSize(0);
  if (type.hasStaticShape() && !ShapedType::isDynamic(bytes) &&
      bytes != type.getStorageBytes())
    return emitOpError("byte tensor holds ")
           << bytes << " bytes but " << type << " is stored in "
           << type.getStorageBytes() << " bytes (C12)";
  return success();
}

OpFoldResult FromBytesOp::fold(FoldAdaptor) {
  // from_bytes(to_bytes(x)) -> x: the same bytes viewed back as the same type.
  if (auto toBytes = getBytes().getDefiningOp<ToBytesOp>())
    if (toBytes.getInput().getType() == getType())
      return toBytes.getInput();
  return {};
}

LogicalResult ToBytesOp::verify() {
  BlockedTensorType type = getInput().getType();
  int64_t bytes = getResult().getType().getDimSize(0);
  if (!type.hasStaticShape()) {
    if (!ShapedType::isDynamic(bytes))
      return emitOpError("result must be tensor<?x...> because ")
             << type << " has dynamic dimensions (C13)";
    return success();
  }
  if (bytes != type.getStorageBytes())
    return emitOpError("result must hold ")
           << type.getStorageBytes() << " bytes for " << type << ", got "
           << getResult().getType() << " (C13)";
  return success();
}

OpFoldResult ToBytesOp::fold(FoldAdaptor adaptor) {
  // to_bytes(from_bytes(b)) -> b.
  if (auto fromBytes = getInput().getDefiningOp<FromBytesOp>())
    if (fromBytes.getBytes().getType() == getType())
      return fromBytes.getBytes();
  // to_bytes(constant) -> the constant's bytes.
  if (auto value = dyn_cast_if_present<ElementsAttr>(adaptor.getInput()))
    if (value.getType() == getType())
      return value;
  return {};
}

//===----------------------------------------------------------------------===//
// ConstantOp / WeightOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  BlockedTensorType type = getResult().getType();
  auto valueType = dyn_cast<RankedTensorType>(getValue().getType());
  if (!valueType || valueType.getRank() != 1 ||
      !valueType.getElementType().isInteger(8))
    return emitOpError("value must be a 1-D tensor of i8 or ui8 bytes, got ")
           << getValue().getType() << " (C14)";
  if (!type.hasStaticShape())
    return emitOpError("result type ")
           << type << " must have a static shape (C14)";
  if (valueType.getDimSize(0) != type.getStorageBytes())
    return emitOpError("value holds ")
           << valueType.getDimSize(0) << " bytes but " << type
           << " is stored in " << type.getStorageBytes() << " bytes (C15)";
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError("tensor name must not be empty (C16)");
  StringRef ext = llvm::sys::path::extension(getFile());
  if (ext != ".gguf" && ext != ".safetensors")
    return emitOpError("file '")
           << getFile() << "' must be a .gguf or .safetensors file (C17)";
  Type type = getResult().getType();
  bool isStatic = isa<BlockedTensorType>(type)
                      ? cast<BlockedTensorType>(type).hasStaticShape()
                      : cast<RankedTensorType>(type).hasStaticShape();
  if (!isStatic)
    return emitOpError("result type ")
           << type << " must have a static shape (C18)";
  return success();
}
