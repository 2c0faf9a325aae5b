//===- LaunchRewrites.cpp - Cheaper decode code inside a launch -----------===//

#include "Target/NVPTX/LaunchRewrites.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;
using namespace mlir::quant4;

/// Constant tables the decode indexes with codes (NF4's codebook, E2M1
/// values, the nested absmax map) move to workgroup memory: the launch
/// block's threads copy each table once, then every lookup is an ld.shared
/// (16 f32 entries: distinct codes sit in distinct banks, equal codes
/// broadcast) instead of a global load per value.
void mlir::quant4::moveTablesToSharedMemory(gpu::LaunchOp launch,
                                            int64_t threads) {
  // In the order the walk meets them, so the kernel (and its PTX) is the
  // same from run to run.
  llvm::MapVector<Attribute, SmallVector<tensor::ExtractOp>> uses;
  launch.getBody().walk([&](tensor::ExtractOp extract) {
    auto constant = extract.getTensor().getDefiningOp<arith::ConstantOp>();
    auto type = dyn_cast<RankedTensorType>(extract.getTensor().getType());
    if (constant && type && type.getRank() == 1 &&
        type.getElementType().isF32())
      uses[constant.getValue()].push_back(extract);
  });
  if (uses.empty())
    return;
  Location loc = launch.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&launch.getBody().front());
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getThreadIds().y, idx(32)),
      launch.getThreadIds().x);
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  for (auto &[attr, extracts] : uses) {
    auto type = cast<RankedTensorType>(cast<TypedAttr>(attr).getType());
    Value table = launch.addWorkgroupAttribution(
        MemRefType::get(type.getShape(), type.getElementType(),
                        MemRefLayoutAttrInterface(), workgroup),
        loc);
    Value constant = arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
    scf::ForOp::create(
        b, loc, linear, idx(type.getDimSize(0)), idx(threads), ValueRange(),
        [&](OpBuilder &, Location, Value i, ValueRange) {
          Value v = tensor::ExtractOp::create(b, loc, constant, i);
          memref::StoreOp::create(b, loc, v, table, i);
          scf::YieldOp::create(b, loc);
        });
    for (tensor::ExtractOp extract : extracts) {
      OpBuilder at(extract);
      extract.replaceAllUsesWith(memref::LoadOp::create(at, extract.getLoc(),
                                                        table,
                                                        extract.getIndices())
                                     .getResult());
      extract.erase();
    }
  }
  gpu::BarrierOp::create(b, loc);
}

/// An upper bound on the significant bits of the i32 value `v`, from the
/// ops that made it (masks, shifts, ors, selects of such); 32 if unknown.
static unsigned significantBits(Value v, unsigned depth = 0) {
  if (depth > 8)
    return 32;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return llvm::bit_width(uint64_t(uint32_t(*c)));
  Operation *op = v.getDefiningOp();
  auto bitsOf = [&](Value x) { return significantBits(x, depth + 1); };
  if (auto ext = dyn_cast_or_null<arith::ExtUIOp>(op))
    return ext.getIn().getType().getIntOrFloatBitWidth();
  if (auto andOp = dyn_cast_or_null<arith::AndIOp>(op))
    return std::min(bitsOf(andOp.getLhs()), bitsOf(andOp.getRhs()));
  if (isa_and_nonnull<arith::OrIOp, arith::XOrIOp>(op))
    return std::max(bitsOf(op->getOperand(0)), bitsOf(op->getOperand(1)));
  if (auto select = dyn_cast_or_null<arith::SelectOp>(op))
    return std::max(bitsOf(select.getTrueValue()),
                    bitsOf(select.getFalseValue()));
  if (auto shr = dyn_cast_or_null<arith::ShRUIOp>(op))
    return bitsOf(shr.getLhs());
  if (auto shl = dyn_cast_or_null<arith::ShLIOp>(op))
    if (std::optional<int64_t> c = getConstantIntValue(shl.getRhs()))
      return std::min<unsigned>(32, bitsOf(shl.getLhs()) + unsigned(*c));
  return 32;
}

/// uitofp i32 -> f32 of values below 2^23 as bits(v | 0x4B000000) - 2^23:
/// exact, and two full-rate ops instead of a quarter-rate conversion on the
/// GPU (every decoded 4-bit code and 6-bit scale goes through one).
void mlir::quant4::rewriteSmallIntToFloat(Operation *root) {
  root->walk([](arith::UIToFPOp op) {
    if (!op.getIn().getType().isInteger(32) || !op.getType().isF32() ||
        significantBits(op.getIn()) > 23)
      return;
    OpBuilder b(op);
    Location loc = op.getLoc();
    Value bits = arith::OrIOp::create(
        b, loc, op.getIn(),
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0x4B000000));
    Value biased = arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
    Value magic = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(8388608));
    op.replaceAllUsesWith(
        arith::SubFOp::create(b, loc, biased, magic).getResult());
    op.erase();
  });
}

/// Lets LLVM fuse every multiply-add of the kernel into an fma (decode and
/// dot product): the sum is not bit-exact with the CPU path's order anyway,
/// and the fused form rounds less.
void mlir::quant4::allowContraction(Operation *root) {
  auto contract = arith::FastMathFlagsAttr::get(root->getContext(),
                                                arith::FastMathFlags::contract);
  root->walk([&](arith::ArithFastMathInterface op) {
    op->setAttr(op.getFastMathAttrName(), contract);
  });
}

static void addGridDependencyControl(gpu::LaunchOp launch,
                                     NVVM::GridDepActionKind kind) {
  OpBuilder b = OpBuilder::atBlockBegin(&launch.getBody().front());
  NVVM::GriddepcontrolOp::create(
      b, launch.getLoc(),
      NVVM::GridDepActionKindAttr::get(b.getContext(), kind));
}

void mlir::quant4::waitForPreviousKernel(gpu::LaunchOp launch) {
  addGridDependencyControl(launch, NVVM::GridDepActionKind::wait);
}

void mlir::quant4::allowDependentLaunch(gpu::LaunchOp launch) {
  addGridDependencyControl(launch, NVVM::GridDepActionKind::launch_dependents);
}

void mlir::quant4::chainLaunches(ArrayRef<gpu::LaunchOp> launches) {
  for (auto [i, launch] : llvm::enumerate(launches)) {
    // Both at the body's start: the wait ends up first.
    if (i + 1 < launches.size())
      allowDependentLaunch(launch);
    if (i > 0)
      waitForPreviousKernel(launch);
  }
}
