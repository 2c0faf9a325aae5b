//===- Quant4Attrs.h - quant4 format attributes -----------------*- C++ -*-===//

#ifndef QUANT4_DIALECT_QUANT4_IR_QUANT4ATTRS_H
#define QUANT4_DIALECT_QUANT4_IR_QUANT4ATTRS_H

#include "Format/Codec.h"
#include "Format/Layout.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <numeric>

#include "dialect/Quant4Enums.h.inc"

namespace mlir::quant4 {
/// The default BlockFormatAttrInterface::buildVectorDecode: `width` scalar
/// `buildDecode`s of `format` gathered into a vector<width x f32>.
Value buildDecodeLaneByLane(Attribute format, OpBuilder &builder, Location loc,
                            Value storage, Value numBlocks, Value block,
                            Value index, int64_t width);
} // namespace mlir::quant4

#include "dialect/Quant4Interfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/Quant4Attrs.h.inc"

#endif // QUANT4_DIALECT_QUANT4_IR_QUANT4ATTRS_H
