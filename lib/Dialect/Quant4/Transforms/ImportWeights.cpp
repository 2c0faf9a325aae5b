//===- ImportWeights.cpp - quant4.weight -> constants from model files ----===//
//
// Reads the tensors named by quant4.weight ops through lib/Format (GGUF or
// safetensors, memory-mapped) and replaces each op by a constant whose
// dense_resource blob borrows the mapping: no copy of the weights is made.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Format/ModelTensor.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Path.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4IMPORTWEIGHTS
#include "dialect/Quant4Passes.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;
namespace fmt = ::quant4::format;

namespace {

/// The element type a float tensor of the file has in MLIR.
Type floatElementType(MLIRContext *ctx, fmt::ModelTensor::Element element) {
  switch (element) {
  case fmt::ModelTensor::Element::F32:
    return Float32Type::get(ctx);
  case fmt::ModelTensor::Element::F16:
    return Float16Type::get(ctx);
  case fmt::ModelTensor::Element::BF16:
    return BFloat16Type::get(ctx);
  case fmt::ModelTensor::Element::Blocked:
    return {};
  }
  return {};
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return s;
}

/// A blob that borrows the file mapping and keeps it alive. `align` is the
/// element size (GGUF and safetensors align tensor data at least to it).
AsmResourceBlob borrowBlob(const fmt::ModelTensor &tensor, size_t align) {
  ArrayRef<char> data(reinterpret_cast<const char *>(tensor.bytes.data),
                      tensor.bytes.size);
  std::shared_ptr<const fmt::ByteBuffer> owner = tensor.owner;
  return UnmanagedAsmResourceBlob::allocateWithAlign(
      data, align,
      [owner](void *, size_t, size_t) mutable { owner.reset(); });
}

struct ImportWeights
    : public mlir::quant4::impl::Quant4ImportWeightsBase<ImportWeights> {
  using Base::Base;

  void runOnOperation() override {
    fmt::ModelFileCache files;
    WalkResult result = getOperation().walk([&](WeightOp op) {
      if (failed(importWeight(op, files)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  std::string resolvePath(StringRef file) const {
    if (baseDir.empty() || llvm::sys::path::is_absolute(file))
      return file.str();
    SmallString<256> path(baseDir);
    llvm::sys::path::append(path, file);
    return std::string(path);
  }

  /// Checks that the file's tensor is what the op's type says it is.
  LogicalResult checkMatches(WeightOp op, const fmt::ModelTensor &tensor) {
    Type type = op.getResult().getType();
    ArrayRef<int64_t> shape;
    bool formatMatches;
    if (auto blocked = dyn_cast<BlockedTensorType>(type)) {
      BlockFormatAttrInterface format = blocked.getFormat();
      shape = blocked.getShape();
      formatMatches =
          tensor.element == fmt::ModelTensor::Element::Blocked &&
          format.getFormatName() ==
              StringRef(fmt::formatKindName(tensor.format.kind)) &&
          format.getBlockLayout() == fmt::layoutOf(tensor.format);
    } else {
      auto floats = cast<RankedTensorType>(type);
      shape = floats.getShape();
      formatMatches = floatElementType(&getContext(), tensor.element) ==
                      floats.getElementType();
    }
    if (!formatMatches || shape != ArrayRef<int64_t>(tensor.shape))
      return op.emitOpError("tensor '")
             << op.getName() << "' in '" << op.getFile() << "' is "
             << shapeString(tensor.shape) << " " << tensor.describeElement()
             << ", but the op's type is " << type;
    return success();
  }

  LogicalResult importWeight(WeightOp op, fmt::ModelFileCache &files) {
    std::string path = resolvePath(op.getFile());
    fmt::Expected<std::shared_ptr<fmt::ModelFile>> file = files.get(path);
    if (!file)
      return op.emitOpError("cannot open model file: ") << file.message();
    fmt::Expected<fmt::ModelTensor> tensor = (*file)->tensor(op.getName());
    if (!tensor)
      return op.emitOpError("cannot read tensor: ") << tensor.message();
    if (failed(checkMatches(op, *tensor)))
      return failure();

    OpBuilder builder(op);
    Type type = op.getResult().getType();
    Value replacement;
    if (auto blocked = dyn_cast<BlockedTensorType>(type)) {
      if (static_cast<int64_t>(tensor->bytes.size) !=
          blocked.getStorageBytes())
        return op.emitOpError("tensor '")
               << op.getName() << "' holds " << tensor->bytes.size
               << " bytes, but " << type << " is stored in "
               << blocked.getStorageBytes();
      auto bytesType = blocked.getStorageType(
          IntegerType::get(&getContext(), 8, IntegerType::Unsigned));
      auto value = DenseResourceElementsAttr::get(bytesType, op.getName(),
                                                  borrowBlob(*tensor, 1));
      replacement = ConstantOp::create(builder, op.getLoc(), blocked, value);
    } else {
      auto floats = cast<RankedTensorType>(type);
      int64_t elementBytes = floats.getElementTypeBitWidth() / 8;
      int64_t expected = floats.getNumElements() * elementBytes;
      if (static_cast<int64_t>(tensor->bytes.size) != expected)
        return op.emitOpError("tensor '")
               << op.getName() << "' holds " << tensor->bytes.size
               << " bytes, expected " << expected;
      auto value = DenseResourceElementsAttr::get(
          floats, op.getName(), borrowBlob(*tensor, elementBytes));
      replacement = arith::ConstantOp::create(builder, op.getLoc(), value);
    }
    op.getResult().replaceAllUsesWith(replacement);
    op.erase();
    return success();
  }
};

} // namespace
