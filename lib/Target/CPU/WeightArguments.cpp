//===- WeightArguments.cpp - weights read at load time --------------------===//

#include "Target/CPU/WeightArguments.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Format/Codec.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/SymbolTable.h"

#include <map>

using namespace mlir;
using namespace mlir::quant4;

namespace {

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

/// What the runtime checks of `op`'s tensor and how the code receives it.
WeightBinding describeWeight(WeightOp op) {
  WeightBinding weight;
  weight.file = op.getFile().str();
  weight.tensor = op.getName().str();
  Type type = op.getResult().getType();
  if (auto blocked = dyn_cast<BlockedTensorType>(type)) {
    weight.element = ::quant4::format::describe(
        blocked.getFormat().getFormatSpec(std::nullopt));
    weight.shape.assign(blocked.getShape().begin(), blocked.getShape().end());
    weight.bytes = blocked.getStorageBytes();
    weight.abi = {AbiElementType::U8, {weight.bytes}};
    return weight;
  }
  auto floats = cast<RankedTensorType>(type);
  weight.element = typeString(floats.getElementType());
  weight.shape.assign(floats.getShape().begin(), floats.getShape().end());
  weight.bytes = floats.getNumElements() * floats.getElementTypeBitWidth() / 8;
  weight.abi = {*abiElementType(floats.getElementType()), weight.shape};
  return weight;
}

/// The type of the argument that replaces `op`.
Type argumentType(WeightOp op) {
  Type type = op.getResult().getType();
  if (auto blocked = dyn_cast<BlockedTensorType>(type))
    return blocked.getStorageType(
        IntegerType::get(op.getContext(), 8, IntegerType::Unsigned));
  return type;
}

/// Identifies a weight: the same tensor read as the same type.
using WeightKey = std::tuple<std::string, std::string, std::string>;

WeightKey keyOf(WeightOp op) {
  return {op.getFile().str(), op.getName().str(),
          typeString(op.getResult().getType())};
}

} // namespace

LogicalResult mlir::quant4::bindWeightArguments(ModuleOp module,
                                                ArrayRef<func::FuncOp> funcs,
                                                LibraryInterface &library) {
  WalkResult outside = module.walk([&](WeightOp op) {
    auto func = op->getParentOfType<func::FuncOp>();
    if (func && llvm::is_contained(funcs, func))
      return WalkResult::advance();
    op.emitOpError("is read at load time (--weights=load) only in an entry "
                   "function; make its function an entry or use "
                   "--weights=embed");
    return WalkResult::interrupt();
  });
  if (outside.wasInterrupted())
    return failure();

  std::map<WeightKey, size_t> tableIndex;
  for (size_t e = 0; e < funcs.size(); ++e) {
    func::FuncOp func = funcs[e];
    EntrySignature &entry = library.entries[e];
    SmallVector<WeightOp> ops;
    func.walk([&](WeightOp op) { ops.push_back(op); });
    if (ops.empty())
      continue;
    if (!SymbolTable::symbolKnownUseEmpty(func, module))
      return func.emitError("entry '")
             << func.getSymName()
             << "' reads weights at load time (--weights=load) and must not "
                "be called by other functions";
    MLIRContext *ctx = func.getContext();
    auto readOnly = DictionaryAttr::get(
        ctx,
        {NamedAttribute(bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(ctx, false))});
    std::map<WeightKey, Value> arguments;
    for (WeightOp op : ops) {
      WeightKey key = keyOf(op);
      auto [index, added] = tableIndex.try_emplace(key, library.weights.size());
      if (added)
        library.weights.push_back(describeWeight(op));
      Value &argument = arguments[key];
      if (!argument) {
        unsigned position = func.getNumArguments();
        if (failed(func.insertArgument(position, argumentType(op), readOnly,
                                       op.getLoc())))
          return failure();
        argument = func.getArgument(position);
        entry.weights.push_back(index->second);
      }
      OpBuilder builder(op);
      Value replacement = argument;
      if (auto blocked = dyn_cast<BlockedTensorType>(op.getType()))
        replacement = FromBytesOp::create(builder, op.getLoc(), blocked,
                                          argument, ValueRange());
      op.getResult().replaceAllUsesWith(replacement);
      op.erase();
    }
  }
  return success();
}
