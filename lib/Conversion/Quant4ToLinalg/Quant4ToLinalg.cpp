//===- Quant4ToLinalg.cpp - quant4 to linalg/tensor/arith -----------------===//

#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Quant4StorageTypeConverter::Quant4StorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](BlockedTensorType type) -> Type {
    return type.getStorageType(IntegerType::get(type.getContext(), 8));
  });
  // Unsigned bytes (the from_bytes/to_bytes ABI) become signless bytes: the
  // same memory, and the only byte type arith and bufferization accept.
  addConversion([](RankedTensorType type) -> Type {
    if (!type.getElementType().isUnsignedInteger(8))
      return type;
    return type.clone(IntegerType::get(type.getContext(), 8));
  });
}

namespace {

//===----------------------------------------------------------------------===//
// Byte views and constants
//===----------------------------------------------------------------------===//

/// from_bytes / to_bytes: both sides are the same bytes once blocked types
/// become their storage tensors; only the byte element type may change.
/// (from_bytes' dynamic-dimension operands are not needed: the storage size
/// is the byte tensor's own.)
template <typename OpTy> struct ByteViewLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getResult().getType()));
    rewriter.replaceOp(op, castBytes(rewriter, op.getLoc(),
                                     adaptor.getOperands().front(), type));
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    // Reinterpret the bytes as i8 without copying them.
    Attribute value = op.getValue();
    TypedAttr bytes;
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      bytes = dense.bitcast(type.getElementType());
    else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      bytes = DenseResourceElementsAttr::get(type, resource.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unsupported constant attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, bytes);
    return success();
  }
};

/// tensor.cast between byte tensors whose ui8 elements become i8.
struct ByteCastLowering : OpConversionPattern<tensor::CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tensor::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return failure();
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, type, adaptor.getSource());
    return success();
  }
};

/// quantize of a constant float tensor: folded at compile time by
/// lib/Format's codec into an arith.constant of the storage bytes.
struct ConstantQuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    DenseElementsAttr input;
    if (!matchPattern(op.getInput(), m_Constant(&input)))
      return rewriter.notifyMatchFailure(op, "input is not a dense constant");
    BlockedTensorType blocked = op.getResult().getType();
    if (!blocked.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    std::vector<float> values;
    values.reserve(input.getNumElements());
    for (APFloat v : input.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v.convertToFloat());
    }
    ::quant4::format::FormatSpec spec =
        blocked.getFormat().getFormatSpec(op.getRule());
    std::vector<char> bytes(blocked.getStorageBytes());
    ::quant4::format::Status status =
        ::quant4::format::quantize(spec, values.data(), int64_t(values.size()),
                                   reinterpret_cast<uint8_t *>(bytes.data()));
    if (!status.ok())
      return op.emitOpError("cannot quantize the constant: ")
             << status.message();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(blocked));
    auto blob = DenseResourceElementsAttr::get(
        type, "quant4_quantized",
        HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(bytes)));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, blob);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// dequantize
//===----------------------------------------------------------------------===//

/// y[i..., k] = decode(block (row(i...) * blocksPerRow + k / bs), k % bs).
struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockedTensorType blocked = op.getInput().getType();
    Value storage = adaptor.getInput();
    FailureOr<BlockGrid> grid =
        getBlockGrid(op, op.getInput(), storage, rewriter);
    if (failed(grid))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    int64_t rank = resultType.getRank();
    BlockFormatAttrInterface format = blocked.getFormat();

    Value init = tensor::EmptyOp::create(rewriter, loc, grid->sizes,
                                         resultType.getElementType());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), ValueRange{}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location loc, ValueRange) {
          auto idx = [&](OpFoldResult v) {
            return getValueOrCreateConstantIndexOp(b, loc, v);
          };
          // Row-major row number over the outer dimensions.
          Value row = idx(b.getIndexAttr(0));
          for (int64_t d = 0; d + 1 < rank; ++d) {
            row = arith::MulIOp::create(b, loc, row, idx(grid->sizes[d]));
            row = arith::AddIOp::create(b, loc, row,
                                        linalg::IndexOp::create(b, loc, d));
          }
          Value k = linalg::IndexOp::create(b, loc, rank - 1);
          Value blockSize = idx(b.getIndexAttr(grid->blockSize));
          Value block = arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, row,
                                    idx(b.getIndexAttr(grid->blocksPerRow))),
              arith::DivUIOp::create(b, loc, k, blockSize));
          Value within = arith::RemUIOp::create(b, loc, k, blockSize);
          Value value = format.buildDecode(b, loc, storage,
                                           idx(grid->numBlocks), block, within);
          value = convertFloat(b, loc, value, resultType.getElementType());
          linalg::YieldOp::create(b, loc, value);
        });
    generic->setAttr(kLoweredAttrName, rewriter.getStringAttr("dequantize"));
    Value result = generic.getResult(0);
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

bool mlir::quant4::isConstantQuantize(QuantizeOp op) {
  DenseElementsAttr input;
  return matchPattern(op.getInput(), m_Constant(&input));
}

void mlir::quant4::populateQuant4ToLinalgConversionPatterns(
    TypeConverter &typeConverter, RewritePatternSet &patterns,
    const Quant4ToLinalgOptions &options) {
  patterns.add<ByteCastLowering, ByteViewLowering<FromBytesOp>,
               ByteViewLowering<ToBytesOp>, ConstantLowering,
               ConstantQuantizeLowering, DequantizeLowering>(
      typeConverter, patterns.getContext());
  populateMatmulLoweringPatterns(typeConverter, patterns, options);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  populateCallOpTypeConversionPattern(patterns, typeConverter);
  populateReturnOpTypeConversionPattern(patterns, typeConverter);
}

void mlir::quant4::configureQuant4ToLinalgConversionTarget(
    ConversionTarget &target, TypeConverter &typeConverter) {
  target.addIllegalDialect<Quant4Dialect>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return typeConverter.isSignatureLegal(op.getFunctionType()) &&
           typeConverter.isLegal(&op.getBody());
  });
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return typeConverter.isLegal(op); });
}
