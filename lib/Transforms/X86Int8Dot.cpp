//===- X86Int8Dot.cpp - AVX2 int8 dot products for Q8_K matmuls -----------===//
//
// quant4-x86-int8-dot: the scaled int8 dot idiom of the `activations q8_k`
// lowering (MatmulQ8.cpp) as vpmaddubsw + vpmaddwd (see the pass description
// in Quant4Transforms.td).
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

/// (w, x) of `muli(extui w, extsi x)`.
static std::optional<std::pair<Value, Value>> matchByteProducts(Value v) {
  auto mul = v.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  Value w = bytesOf<arith::ExtUIOp>(mul.getLhs());
  Value x = bytesOf<arith::ExtSIOp>(mul.getRhs());
  if (!w || !x || !isSmallUnsigned(w))
    return std::nullopt;
  return std::make_pair(w, x);
}

/// The products `p` (vector<32xi32>) of `v` = the sum, as an arith.addi tree,
/// of the four shuffles of p that take lanes 4i + c (c = 0..3), i.e. lane i
/// of v is p[4i] + ... + p[4i + 3].
static Value matchQuadSum(Value v) {
  SmallVector<Value> leaves, pending = {v};
  while (!pending.empty() && leaves.size() <= 4) {
    Value next = pending.pop_back_val();
    if (auto add = next.getDefiningOp<arith::AddIOp>()) {
      pending.append({add.getLhs(), add.getRhs()});
      continue;
    }
    leaves.push_back(next);
  }
  if (!pending.empty() || leaves.size() != 4)
    return {};
  Value products;
  unsigned seen = 0;
  for (Value leaf : leaves) {
    auto shuffle = leaf.getDefiningOp<vector::ShuffleOp>();
    if (!shuffle || shuffle.getV1() != shuffle.getV2() ||
        (products && shuffle.getV1() != products))
      return {};
    products = shuffle.getV1();
    ArrayRef<int64_t> mask = shuffle.getMask();
    if (mask.size() != kBytes / 4 || mask[0] < 0 || mask[0] >= 4)
      return {};
    for (auto [i, lane] : llvm::enumerate(mask))
      if (lane != 4 * int64_t(i) + mask[0])
        return {};
    seen |= 1u << mask[0];
  }
  return seen == 0xf ? products : Value();
}

/// (i8 scales, lane j) of `vector.shuffle %s, %s [j, ..., j]` with %s an
/// arith.extui from a vector of i8.
static std::optional<std::pair<Value, int64_t>> matchScaleSplat(Value v) {
  auto shuffle = v.getDefiningOp<vector::ShuffleOp>();
  if (!shuffle || shuffle.getV1() != shuffle.getV2())
    return std::nullopt;
  auto ext = shuffle.getV1().getDefiningOp<arith::ExtUIOp>();
  if (!ext || !getElementTypeOrSelf(ext.getIn().getType()).isInteger(8))
    return std::nullopt;
  ArrayRef<int64_t> mask = shuffle.getMask();
  if (mask.empty() || mask[0] < 0 || !llvm::all_equal(mask))
    return std::nullopt;
  return std::make_pair(ext.getIn(), mask[0]);
}

/// Lane `j` of `bytes` (vector<N x i8>) zero-extended to i16, in all 16 lanes
/// of a vector<16xi16>. For N <= 16 one vpshufb with a constant mask on the
/// bytes repeated in both 128-bit halves (the repeat is shared by every j):
/// the mask takes byte j into the low half of each word and zeroes the high
/// half (mask bytes with the top bit set), so no widening op is needed;
/// otherwise a zero extension and a vector.shuffle.
static Value broadcastWord(OpBuilder &b, Location loc, Value bytes, int64_t j) {
  auto bytesIn = cast<VectorType>(bytes.getType());
  int64_t n = bytesIn.getNumElements();
  auto wordsType = VectorType::get({kBytes / 2}, b.getI16Type());
  if (n > kBytes / 2) {
    Value words =
        arith::ExtUIOp::create(b, loc, bytesIn.clone(b.getI16Type()), bytes);
    SmallVector<int64_t> lane(kBytes / 2, j);
    return vector::ShuffleOp::create(b, loc, words, words, lane);
  }
  SmallVector<int64_t> twice;
  for (int64_t half = 0; half < 2; ++half)
    for (int64_t i = 0; i < kBytes / 2; ++i)
      twice.push_back(i < n ? i : 0);
  Value repeated = vector::ShuffleOp::create(b, loc, bytes, bytes, twice);
  auto bytesType = VectorType::get({kBytes}, b.getI8Type());
  constexpr int8_t kZero = -128; // vpshufb: top bit set -> 0
  SmallVector<int8_t> mask;
  for (int64_t i = 0; i < kBytes / 2; ++i)
    mask.append({int8_t(j), kZero});
  Value maskValue = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(bytesType, ArrayRef<int8_t>(mask)));
  Value shuffled =
      LLVM::CallIntrinsicOp::create(b, loc, bytesType,
                                    b.getStringAttr("llvm.x86.avx2.pshuf.b"),
                                    ValueRange{repeated, maskValue})
          .getResult(0);
  return vector::BitCastOp::create(b, loc, wordsType, shuffled);
}

/// muli(quadSum(muli(extui w, extsi x)), splat(zext scale_j)) on
/// vector<8xi32>.
struct ScaledQuadDots : OpRewritePattern<arith::MulIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::MulIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    if (!type || type.getShape() != ArrayRef<int64_t>{kBytes / 4})
      return failure();
    std::optional<std::pair<Value, Value>> wx;
    if (Value products = matchQuadSum(op.getLhs()))
      wx = matchByteProducts(products);
    std::optional<std::pair<Value, int64_t>> scale =
        matchScaleSplat(op.getRhs());
    if (!wx || !scale)
      return failure();

    Location loc = op.getLoc();
    auto pairs = VectorType::get({kBytes / 2}, rewriter.getI16Type());
    Value sums = LLVM::CallIntrinsicOp::create(
                     rewriter, loc, pairs,
                     rewriter.getStringAttr("llvm.x86.avx2.pmadd.ub.sw"),
                     ValueRange{wx->first, wx->second})
                     .getResult(0);
    Value splat = broadcastWord(rewriter, loc, scale->first, scale->second);
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, type, rewriter.getStringAttr("llvm.x86.avx2.pmadd.wd"),
        ValueRange{sums, splat});
    return success();
  }
};

struct X86Int8DotPass
    : mlir::quant4::impl::Quant4X86Int8DotBase<X86Int8DotPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScaledQuadDots>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
