//===- Quant4Types.cpp - quant4 types -------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::quant4;

#define GET_TYPEDEF_CLASSES
#include "dialect/Quant4Types.cpp.inc"

void Quant4Dialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialect/Quant4Types.cpp.inc"
      >();
}

/// Number of values in a static shape; nullopt on overflow.
static std::optional<int64_t> numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  return n;
}

LogicalResult
BlockedTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                          ArrayRef<int64_t> shape,
                          BlockFormatAttrInterface format) {
  if (shape.empty())
    return emitError() << "blocked tensor must have rank >= 1 (C1)";
  if (ShapedType::isDynamic(shape.back()))
    return emitError() << "innermost dimension of a blocked tensor must be "
                          "static (C1)";
  int64_t blockSize = format.getBlockSize();
  if (shape.back() % blockSize != 0)
    return emitError() << "innermost dimension " << shape.back()
                       << " is not a multiple of the block size " << blockSize
                       << " of " << format << " (C2)";
  if (ShapedType::isStaticShape(shape)) {
    std::optional<int64_t> n = numElements(shape);
    if (!n || !format.getStorageBytes(*n / blockSize))
      return emitError() << "storage size of the blocked tensor overflows "
                            "int64 (C3)";
  }
  return success();
}

Type BlockedTensorType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Attribute attr;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/true,
                                /*withTrailingX=*/false) ||
      parser.parseComma())
    return {};
  SMLoc attrLoc = parser.getCurrentLocation();
  if (parser.parseAttribute(attr) || parser.parseGreater())
    return {};
  auto format = dyn_cast<BlockFormatAttrInterface>(attr);
  if (!format) {
    parser.emitError(attrLoc, "expected a quant4 format attribute, got ")
        << attr;
    return {};
  }
  return parser.getChecked<BlockedTensorType>(loc, parser.getContext(), shape,
                                              format);
}

void BlockedTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  printer << ", ";
  printer.printAttribute(getFormat());
  printer << ">";
}

int64_t BlockedTensorType::getNumDynamicDims() const {
  return llvm::count_if(getShape(), ShapedType::isDynamic);
}

int64_t BlockedTensorType::getNumBlocks() const {
  assert(hasStaticShape() && "number of blocks of a dynamic shape");
  return *numElements(getShape()) / getFormat().getBlockSize();
}

int64_t BlockedTensorType::getStorageBytes() const {
  return *getFormat().getStorageBytes(getNumBlocks());
}

RankedTensorType BlockedTensorType::getStorageType(Type byteType) const {
  int64_t bytes = hasStaticShape() ? getStorageBytes() : ShapedType::kDynamic;
  return RankedTensorType::get({bytes}, byteType);
}

RankedTensorType BlockedTensorType::getTensorType(Type elementType) const {
  return RankedTensorType::get(getShape(), elementType);
}
