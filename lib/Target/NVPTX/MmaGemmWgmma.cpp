//===- MmaGemmWgmma.cpp - The GEMM-class wgmma kernel (sm_90a) ------------===//
//
// The wgmma kernel of quant4-gpu-mma-gemm: the K loop over the cp.async
// stages with wgmma.mma_async reading both operands through matrix
// descriptors, and the store of its accumulators (docs/NVPTX.md, "wgmma on
// sm_90a").
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/MmaGemmKernel.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

SmallVector<Value> MmaKernelBuilder::buildWgmmaLoop(Value tid, Value firstStep,
                                                    Value lastStep) {
  Value tiles = viewStages();
  int64_t ahead = s.stages - 2;
  Value token;
  for (int64_t i = 0; i < ahead; ++i)
    token = copyStep(
        tiles, tid, idx(i),
        arith::MinUIOp::create(b, loc, add(firstStep, idx(i)), lastStep));
  waitForStep(token, ahead - 1, /*asyncProxy=*/true);

  Value descBase = buildDescriptorBase();
  // Warpgroup g's m64 tile t: rows 64 (g T + t) of the A stage.
  Value rowBytes = idx(s.stepK * 2);
  Value firstTile =
      mul(arith::DivUIOp::create(b, loc, tid, idx(128)), idx(s.warpgroupTiles));
  SmallVector<Value> aOffsets;
  for (int64_t t = 0; t < s.warpgroupTiles; ++t)
    aOffsets.push_back(
        mul(mul(add(firstTile, idx(t)), idx(kWarpgroupRows)), rowBytes));
  Value bOffset = idx(s.tileM * s.stepK * 2);

  MLIRContext *ctx = b.getContext();
  auto accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(s.tileN / 2, b.getF32Type()));
  SmallVector<Value> init(s.warpgroupTiles,
                          LLVM::ZeroOp::create(b, loc, accType));
  auto f16 = NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f16);
  auto f32 = NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32);
  auto one = NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one);
  auto shape = NVVM::MMAShapeAttr::get(ctx, kWarpgroupRows, s.tileN, 16);

  // Step s uses stage (s - first) mod S.
  auto loop = scf::ForOp::create(
      b, loc, firstStep, add(lastStep, idx(1)), idx(1), init,
      [&](OpBuilder &, Location, Value step, ValueRange iter) {
        Value j = b.createOrFold<arith::SubIOp>(loc, step, firstStep);
        Value stage = arith::RemUIOp::create(b, loc, j, idx(s.stages));
        Value stageOffset = mul(stage, idx(s.stageBytes()));
        SmallVector<Value> acc(iter);
        NVVM::WgmmaFenceAlignedOp::create(b, loc);
        auto descriptor = [&](Value tileOffset, int64_t kk) -> Value {
          Value bytes = add(add(stageOffset, tileOffset), idx(kk * 2));
          return arith::AddIOp::create(
              b, loc, descBase,
              arith::IndexCastUIOp::create(
                  b, loc, b.getI64Type(),
                  arith::ShRUIOp::create(b, loc, bytes, idx(4))));
        };
        for (int64_t kk = 0; kk < s.stepK; kk += 16) {
          Value descB = descriptor(bOffset, kk);
          for (int64_t t = 0; t < s.warpgroupTiles; ++t)
            acc[t] = NVVM::WgmmaMmaAsyncOp::create(
                b, loc, accType, acc[t], descriptor(aOffsets[t], kk), descB,
                shape, f16, f16, f32,
                NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
                one, one, NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
                NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::col),
                /*satfinite=*/NVVM::MMAIntOverflowAttr());
        }
        NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
        // While the tensor cores multiply: the copies P steps ahead.
        Value token = copyStep(
            tiles, tid,
            arith::RemUIOp::create(b, loc, add(j, idx(ahead)), idx(s.stages)),
            arith::MinUIOp::create(b, loc, add(step, idx(ahead)), lastStep));
        NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
        waitForStep(token, ahead - 1, /*asyncProxy=*/true);
        scf::YieldOp::create(b, loc, acc);
      });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  drainCopies();
  return loop.getResults();
}

Value MmaKernelBuilder::buildDescriptorBase() {
  // Matrix descriptors (PTX ISA "Matrix Descriptor Format"): start
  // address / 16 in bits 0-13, leading byte offset / 16 in 16-29 (unused
  // by swizzled K-major operands: 1), stride byte offset / 16 in 32-45
  // (1024: from one 8-row group to the next), swizzle mode 1 (128 bytes)
  // in 62-63. Offsets inside the stages add to the start address field
  // (the stages end below 2^18 bytes, so it never carries).
  auto i64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v).getResult();
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, stagesAddress, i64(0x3FFFF)),
      i64(4));
  return arith::OrIOp::create(b, loc, start,
                              i64((int64_t(1) << 16) |
                                  ((kSwizzleAlign / 16) << 32) |
                                  (int64_t(1) << 62)));
}

void MmaKernelBuilder::storeWarpgroupOutput(Value tid, ValueRange accs,
                                            Value split) {
  Value warpInGroup = arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tid, idx(32)), idx(4));
  Value firstTile =
      mul(arith::DivUIOp::create(b, loc, tid, idx(128)), idx(s.warpgroupTiles));
  Value laneRow = add(mul(warpInGroup, idx(16)),
                      arith::DivUIOp::create(b, loc, lane, idx(4)));
  // wgmmaDecode: accumulator rows are weight rows, columns x rows.
  Value rowStart = s.wgmmaDecode ? colBase : rowBase;
  Value colStart = s.wgmmaDecode ? rowBase : colBase;
  Value col0 =
      add(colStart, mul(arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2)));
  for (auto [t, acc] : llvm::enumerate(accs)) {
    Value row0 = add(add(rowStart, laneRow),
                     mul(add(firstTile, idx(t)), idx(kWarpgroupRows)));
    storeAccumulator(acc, row0, col0, split, s.wgmmaDecode);
  }
}

void MmaKernelBuilder::storeAccumulator(Value acc, Value row0, Value col0,
                                        Value split, bool transposed) {
  // Pairs of columns at once when they are consecutive in y.
  bool pairs = !transposed && s.cols % 2 == 0;
  int64_t rowLimit = transposed ? s.cols : s.rows;
  int64_t colLimit = transposed ? s.rows : s.cols;
  // The wgmma's N: the launch block's columns, or its x rows.
  int64_t accColumns = transposed ? s.tileM : s.tileN;
  for (int64_t j = 0; j < accColumns / 8; ++j)
    for (int64_t i = 0; i < 2; ++i) {
      Value row = add(row0, idx(8 * i));
      Value col = add(col0, idx(8 * j));
      SmallVector<Value> values;
      for (int64_t c = 0; c < 2; ++c)
        values.push_back(
            LLVM::ExtractValueOp::create(b, loc, acc, 4 * j + 2 * i + c));
      Value rowInside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              row, idx(rowLimit));
      if (pairs) {
        Value inside = arith::AndIOp::create(
            b, loc, rowInside,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                  idx(colLimit)));
        scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
          vector::StoreOp::create(
              b, loc,
              vector::FromElementsOp::create(
                  b, loc, VectorType::get({2}, b.getF32Type()), values),
              y, outputIndices(split, row, col));
          scf::YieldOp::create(b, loc);
        });
        continue;
      }
      for (int64_t c = 0; c < 2; ++c) {
        Value at = add(col, idx(c));
        Value inside = arith::AndIOp::create(
            b, loc, rowInside,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, at,
                                  idx(colLimit)));
        scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
          memref::StoreOp::create(b, loc, values[c], y,
                                  transposed ? outputIndices(split, at, row)
                                             : outputIndices(split, row, at));
          scf::YieldOp::create(b, loc);
        });
      }
    }
}
