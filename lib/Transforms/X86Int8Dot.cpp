//===- X86Int8Dot.cpp - AVX2 int8 dot products for Q8_K matmuls -----------===//
//
// quant4-x86-int8-dot: the scaled int8 dot idiom of the `activations q8_k`
// lowering (MatmulQ8.cpp) as vpmaddubsw + vpmaddwd with one vector
// accumulator per block (see the pass description in Quant4Transforms.td).
//
//===----------------------------------------------------------------------===//

#include "Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4X86INT8DOT
#include "dialect/Quant4Transforms.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

constexpr int64_t kBytes = 32;

/// The i8 vector operand of `extOp` when it is an OpTy (extui / extsi) from
/// vector<32xi8>.
template <typename OpTy> static Value bytesOf(Value v) {
  auto ext = v.getDefiningOp<OpTy>();
  if (!ext)
    return {};
  auto type = dyn_cast<VectorType>(ext.getIn().getType());
  if (!type || type.getShape() != ArrayRef<int64_t>{kBytes} ||
      !type.getElementType().isInteger(8))
    return {};
  return ext.getIn();
}

/// Whether `v` is `arith.andi` with a constant splat below 128, so that its
/// bytes are the same as unsigned or signed and pair sums of products with
/// int8 never saturate in vpmaddubsw.
static bool isSmallUnsigned(Value v) {
  auto andOp = v.getDefiningOp<arith::AndIOp>();
  if (!andOp)
    return false;
  for (Value operand : andOp->getOperands()) {
    APInt mask;
    if (matchPattern(operand, m_ConstantInt(&mask)) && mask.ult(128))
      return true;
  }
  return false;
}

/// (w, x) of `vector.reduction <add>, muli(extui w, extsi x)`.
static std::optional<std::pair<Value, Value>> matchByteDot(Value v) {
  auto reduction = v.getDefiningOp<vector::ReductionOp>();
  if (!reduction || reduction.getKind() != vector::CombiningKind::ADD ||
      reduction.getAcc())
    return std::nullopt;
  auto mul = reduction.getVector().getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  Value w = bytesOf<arith::ExtUIOp>(mul.getLhs());
  Value x = bytesOf<arith::ExtSIOp>(mul.getRhs());
  if (!w || !x || !isSmallUnsigned(w))
    return std::nullopt;
  return std::make_pair(w, x);
}

/// vector.reduction <add> of muli(from_elements(byte dots), zext(i8 scales)).
struct ScaledByteDots : OpRewritePattern<vector::ReductionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::ReductionOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != vector::CombiningKind::ADD || op.getAcc())
      return failure();
    auto mul = op.getVector().getDefiningOp<arith::MulIOp>();
    if (!mul)
      return failure();
    auto dots = mul.getLhs().getDefiningOp<vector::FromElementsOp>();
    auto scales = mul.getRhs().getDefiningOp<arith::ExtUIOp>();
    if (!dots || !scales ||
        !getElementTypeOrSelf(scales.getIn().getType()).isInteger(8))
      return failure();
    SmallVector<std::pair<Value, Value>> operands;
    for (Value element : dots.getElements()) {
      std::optional<std::pair<Value, Value>> dot = matchByteDot(element);
      if (!dot)
        return failure();
      operands.push_back(*dot);
    }

    Location loc = op.getLoc();
    int64_t count = operands.size();
    auto pairs = VectorType::get({kBytes / 2}, rewriter.getI16Type());
    auto quads = VectorType::get({kBytes / 4}, rewriter.getI32Type());
    Value scales16 = arith::ExtUIOp::create(
        rewriter, loc, VectorType::get({count}, rewriter.getI16Type()),
        scales.getIn());
    Value acc;
    for (auto [j, wx] : llvm::enumerate(operands)) {
      Value sums = LLVM::CallIntrinsicOp::create(
                       rewriter, loc, pairs,
                       rewriter.getStringAttr("llvm.x86.avx2.pmadd.ub.sw"),
                       ValueRange{wx.first, wx.second})
                       .getResult(0);
      SmallVector<int64_t> lane(kBytes / 2, j);
      Value scale =
          vector::ShuffleOp::create(rewriter, loc, scales16, scales16, lane);
      Value scaled = LLVM::CallIntrinsicOp::create(
                         rewriter, loc, quads,
                         rewriter.getStringAttr("llvm.x86.avx2.pmadd.wd"),
                         ValueRange{sums, scale})
                         .getResult(0);
      acc = acc ? arith::AddIOp::create(rewriter, loc, acc, scaled) : scaled;
    }
    rewriter.replaceOpWithNewOp<vector::ReductionOp>(
        op, vector::CombiningKind::ADD, acc);
    return success();
  }
};

struct X86Int8DotPass
    : mlir::quant4::impl::Quant4X86Int8DotBase<X86Int8DotPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScaledByteDots>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
