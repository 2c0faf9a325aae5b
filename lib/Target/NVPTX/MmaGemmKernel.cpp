//===- MmaGemmKernel.cpp - The GEMM-class mma.sync kernel -----------------===//
//
// The mma.sync kernel of quant4-gpu-mma-gemm (MmaGemm.cpp describes both
// forms) and the pieces the wgmma kernel shares with it: the dynamic
// shared memory stages, their cp.async copies and the chunk swizzle.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/MmaGemmKernel.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

void MmaKernelBuilder::build(gpu::LaunchOp launch) {
  Value tid = launch.getThreadIds().x;
  rowBase = mul(launch.getBlockIds().x, idx(s.tileM));
  colBase = mul(launch.getBlockIds().y, idx(s.tileN));
  Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  warpRow = mul(arith::DivUIOp::create(b, loc, warp, idx(s.warpsN)),
                idx(s.tileM / s.warpsM));
  warpCol = mul(arith::RemUIOp::create(b, loc, warp, idx(s.warpsN)),
                idx(s.tileN / s.warpsN));

  // Split z takes K steps [z S, (z + 1) S), S = K / stepK / splits.
  int64_t splitSteps = s.depth / s.stepK / s.splits;
  Value split = s.splits > 1 ? launch.getBlockIds().z : Value();
  Value firstStep = split ? mul(split, idx(splitSteps)) : idx(0);
  Value lastStep = add(firstStep, idx(splitSteps - 1));
  if (s.wgmma) {
    storeWarpgroupOutput(tid,
                         s.wgmmaDecode
                             ? buildWgmmaDecodeLoop(tid, firstStep, lastStep)
                             : buildWgmmaLoop(tid, firstStep, lastStep),
                         split);
    gpu::TerminatorOp::create(b, loc);
    return;
  }
  auto accType = VectorType::get({2, 2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(
      b, loc, accType, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  SmallVector<Value> init(s.fragsM * s.fragsN, zero);
  ValueRange acc =
      wh ? buildAsyncLoop(viewStages(), tid, init, firstStep, lastStep)
         : buildStagedLoop(launch, tid, init, firstStep, lastStep);
  storeOutput(acc, split);
  gpu::TerminatorOp::create(b, loc);
}

ValueRange MmaKernelBuilder::buildStagedLoop(gpu::LaunchOp launch, Value tid,
                                             ArrayRef<Value> acc,
                                             Value firstStep, Value lastStep) {
  Value tileA = launch.getWorkgroupAttributions()[0];
  Value tileB = launch.getWorkgroupAttributions()[1];
  int64_t numAcc = acc.size();
  Slice sliceA = sliceOf(tid, s.tileM), sliceB = sliceOf(tid, s.tileN);
  SmallVector<Value> init(acc);
  llvm::append_range(init, loadStep(sliceA, sliceB, firstStep));
  auto loop = scf::ForOp::create(
      b, loc, firstStep, add(lastStep, idx(1)), idx(1), init,
      [&](OpBuilder &, Location, Value step, ValueRange iter) {
        ValueRange staged = iter.drop_front(numAcc);
        storeSlice(tileA, sliceA, staged.take_front(sliceA.count));
        storeSlice(tileB, sliceB, staged.drop_front(sliceA.count));
        gpu::BarrierOp::create(b, loc);
        // The last step reloads itself (no branch; the values are unused).
        Value next =
            arith::MinUIOp::create(b, loc, add(step, idx(1)), lastStep);
        SmallVector<Value> loaded = loadStep(sliceA, sliceB, next);
        SmallVector<Value> result(iter.take_front(numAcc));
        TileRef a{tileA, Value(), idx(0)}, w{tileB, Value(), idx(0)};
        for (int64_t kk = 0; kk < kStepK; kk += 16)
          result = multiplyFragments(a, w, kk, result);
        gpu::BarrierOp::create(b, loc);
        llvm::append_range(result, loaded);
        scf::YieldOp::create(b, loc, result);
      });
  return loop.getResults().take_front(numAcc);
}

Value MmaKernelBuilder::viewStages() {
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  Value bytes = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), workgroup));
  Value shift = idx(0);
  if (s.wgmma) {
    // shift = -address mod kSwizzleAlign.
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, bytes);
    Value mask = idx(kSwizzleAlign - 1);
    shift = arith::AndIOp::create(
        b, loc,
        arith::SubIOp::create(b, loc, idx(kSwizzleAlign),
                              arith::AndIOp::create(b, loc, address, mask)),
        mask);
    stagesAddress = arith::IndexCastUIOp::create(
        b, loc, b.getI64Type(), arith::AddIOp::create(b, loc, address, shift));
  }
  auto view = [&](ArrayRef<int64_t> shape, Type type, int64_t offset) {
    return memref::ViewOp::create(
        b, loc,
        MemRefType::get(shape, type, MemRefLayoutAttrInterface(), workgroup),
        bytes, offset ? add(shift, idx(offset)) : shift, ValueRange{});
  };
  int64_t tileRows = s.wgmmaDecode ? s.tileM : s.tileM + s.tileN;
  int64_t offset = s.stages * s.stageBytes();
  if (s.wgmmaDecode) {
    // The raw rows as i8 for the copies and as i32 words (one 16-byte
    // chunk a header) for the decode: memref loads of them lower with the
    // workgroup address space (vector.load would go through
    // convert-vector-to-llvm, which does not map it).
    rawTiles =
        view({s.rawStages(), s.tileN, kRawRowBytes}, b.getI8Type(), offset);
    rawHeaders = view({s.rawStages(), s.tileN, kRawRowBytes / 16},
                      VectorType::get({4}, b.getI32Type()), offset);
    rawWords = view({s.rawStages(), s.tileN, kRawRowBytes / 4}, b.getI32Type(),
                    offset);
    if (s.decodeTableBytes)
      decodeTable = view({s.decodeTableBytes / 4}, b.getI32Type(),
                         offset + s.rawStages() * s.rawStageBytes());
  }
  return view({s.stages, tileRows, s.stepK}, b.getF16Type(), 0);
}

ValueRange MmaKernelBuilder::buildAsyncLoop(Value tiles, Value tid,
                                            ArrayRef<Value> acc,
                                            Value firstStep, Value lastStep) {
  int64_t stages = s.stages;
  Value token;
  for (int64_t i = 0; i + 1 < stages; ++i)
    token = copyStep(
        tiles, tid, idx(i),
        arith::MinUIOp::create(b, loc, add(firstStep, idx(i)), lastStep));
  waitForStep(token, s.stages - 2, /*asyncProxy=*/false);
  auto loop = scf::ForOp::create(
      b, loc, firstStep, add(lastStep, idx(1)), idx(1), acc,
      [&](OpBuilder &, Location, Value step, ValueRange iter) {
        Value j = b.createOrFold<arith::SubIOp>(loc, step, firstStep);
        Value ahead = arith::MinUIOp::create(b, loc, add(step, idx(stages - 1)),
                                             lastStep);
        Value token =
            copyStep(tiles, tid,
                     arith::RemUIOp::create(b, loc, add(j, idx(stages - 1)),
                                            idx(stages)),
                     ahead);
        Value stage = arith::RemUIOp::create(b, loc, j, idx(stages));
        TileRef a{tiles, stage, idx(0)}, w{tiles, stage, idx(s.tileM)};
        SmallVector<Value> result(iter);
        for (int64_t kk = 0; kk < s.stepK; kk += 16)
          result = multiplyFragments(a, w, kk, result);
        waitForStep(token, s.stages - 2, /*asyncProxy=*/false);
        scf::YieldOp::create(b, loc, result);
      });
  drainCopies();
  return loop.getResults();
}

void MmaKernelBuilder::waitForStep(Value token, int64_t pending,
                                   bool asyncProxy) {
  nvgpu::DeviceAsyncWaitOp::create(b, loc, token, b.getI32IntegerAttr(pending));
  if (asyncProxy)
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
  gpu::BarrierOp::create(b, loc);
}

void MmaKernelBuilder::drainCopies() {
  nvgpu::DeviceAsyncWaitOp::create(b, loc,
                                   nvgpu::DeviceAsyncCreateGroupOp::create(
                                       b, loc, tokenType(), ValueRange{}),
                                   b.getI32IntegerAttr(0));
}

Value MmaKernelBuilder::copyStep(Value tiles, Value tid, Value stage,
                                 Value step, Value rawStage) {
  constexpr int64_t kChunk = 8;
  int64_t chunksPerRow = s.stepK / kChunk;
  int64_t rowsPerPass = s.threads() / chunksPerRow;
  assert(s.tileM % rowsPerPass == 0 && rowsPerPass % 8 == 0 &&
         "a pass covers whole rows of one tile");
  Value rowInPass = arith::DivUIOp::create(b, loc, tid, idx(chunksPerRow));
  Value chunk = arith::RemUIOp::create(b, loc, tid, idx(chunksPerRow));
  Value k = add(mul(step, idx(s.stepK)), mul(chunk, idx(kChunk)));
  // rowInPass and the tile row agree mod 8 (passes are 16 - 64 rows).
  Value column = swizzledColumn(chunk, rowInPass);
  SmallVector<Value> copies;
  int64_t tileRows = s.wgmmaDecode ? s.tileM : s.tileM + s.tileN;
  for (int64_t first = 0; first < tileRows; first += rowsPerPass) {
    bool isA = first < s.tileM;
    Value tileRow = add(rowInPass, idx(first));
    Value srcRow =
        clampTo(add(isA ? rowBase : colBase,
                    add(rowInPass, idx(isA ? first : first - s.tileM))),
                isA ? s.rows : s.cols);
    copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, loc, tokenType(), tiles, ValueRange{stage, tileRow, column},
        isA ? x : wh, ValueRange{srcRow, k}, b.getIndexAttr(kChunk),
        /*srcElements=*/Value(), /*bypassL1=*/b.getUnitAttr()));
  }
  if (s.wgmmaDecode)
    copyRawWeights(tid, rawStage, step, copies);
  return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType(), copies);
}

Value MmaKernelBuilder::swizzledColumn(Value chunk, Value row) {
  int64_t chunksPerRow = s.stepK / 8;
  Value line = row;
  if (int64_t rowsPerLine = 8 / chunksPerRow; rowsPerLine > 1)
    line = arith::ShRUIOp::create(b, loc, row, idx(llvm::Log2_64(rowsPerLine)));
  Value bits = arith::AndIOp::create(b, loc, line, idx(chunksPerRow - 1));
  return mul(arith::XOrIOp::create(b, loc, chunk, bits), idx(8));
}

MmaKernelBuilder::Slice MmaKernelBuilder::sliceOf(Value tid, int64_t rows) {
  int64_t count = rows * kStepK / kThreads;
  int64_t perRow = kStepK / count;
  return {arith::DivUIOp::create(b, loc, tid, idx(perRow)),
          mul(arith::RemUIOp::create(b, loc, tid, idx(perRow)), idx(count)),
          count};
}

SmallVector<Value> MmaKernelBuilder::loadStep(const Slice &sliceA,
                                              const Slice &sliceB, Value step) {
  SmallVector<Value> values = loadHalfRows(x, rowBase, s.rows, sliceA, step);
  llvm::append_range(values, decodeWeights(sliceB, step));
  return values;
}

void MmaKernelBuilder::storeSlice(Value tile, const Slice &slice,
                                  ValueRange values) {
  for (auto [j, v] : llvm::enumerate(values))
    memref::StoreOp::create(
        b, loc, v, tile,
        ValueRange{slice.row, add(slice.col, idx(int64_t(j)))});
}

SmallVector<Value> MmaKernelBuilder::loadHalfRows(Value src, Value base,
                                                  int64_t size,
                                                  const Slice &slice,
                                                  Value step) {
  Value row = clampTo(add(base, slice.row), size);
  Value k = add(mul(step, idx(kStepK)), slice.col);
  SmallVector<Value> values;
  for (int64_t j = 0; j < slice.count; ++j)
    values.push_back(
        memref::LoadOp::create(b, loc, src, ValueRange{row, add(k, idx(j))}));
  return values;
}

SmallVector<Value> MmaKernelBuilder::decodeWeights(const Slice &slice,
                                                   Value step) {
  Value col = clampTo(add(colBase, slice.row), s.cols);
  int64_t stepsPerBlock = s.blockSize / kStepK;
  Value block = add(mul(col, idx(s.blocksPerRow)),
                    arith::DivUIOp::create(b, loc, step, idx(stepsPerBlock)));
  Value first =
      add(mul(arith::RemUIOp::create(b, loc, step, idx(stepsPerBlock)),
              idx(kStepK)),
          slice.col);
  Value numBlocks = idx(s.numBlocks);
  SmallVector<Value> values;
  for (int64_t j = 0; j < slice.count; ++j)
    values.push_back(toHalf(format.buildDecode(b, loc, storage, numBlocks,
                                               block, add(first, idx(j)))));
  return values;
}

Value MmaKernelBuilder::loadMatrix(const TileRef &tile, Value base,
                                   Value laneRow, Value chunk,
                                   int64_t numTiles) {
  Value row = add(add(tile.rowOffset, base), laneRow);
  SmallVector<Value> at =
      tile.stage
          ? SmallVector<Value>{tile.stage, row, swizzledColumn(chunk, laneRow)}
          : SmallVector<Value>{row, mul(chunk, idx(8))};
  return nvgpu::LdMatrixOp::create(
      b, loc, VectorType::get({numTiles, 2}, b.getF16Type()), tile.buffer, at,
      /*transpose=*/false, numTiles);
}

SmallVector<Value> MmaKernelBuilder::multiplyFragments(const TileRef &tileA,
                                                       const TileRef &tileB,
                                                       int64_t kk,
                                                       ArrayRef<Value> acc) {
  // ldmatrix.x4 on a 16x16 A fragment: lane l gives the address of row
  // l % 16, chunk (of 8 values) l / 16; x4 on two 8(n)x16(k) B fragments
  // nt and nt + 1 (registers 0-1 and 2-3): row l % 8 + 8 (l / 16), chunk
  // (l / 8) % 2.
  Value aRow = arith::RemUIOp::create(b, loc, lane, idx(16));
  Value aChunk =
      add(idx(kk / 8), arith::DivUIOp::create(b, loc, lane, idx(16)));
  Value bRow = add(arith::RemUIOp::create(b, loc, lane, idx(8)),
                   mul(arith::DivUIOp::create(b, loc, lane, idx(16)), idx(8)));
  Value bChunk =
      add(idx(kk / 8),
          arith::RemUIOp::create(
              b, loc, arith::DivUIOp::create(b, loc, lane, idx(8)), idx(2)));
  SmallVector<Value> a, w;
  for (int64_t mt = 0; mt < s.fragsM; ++mt)
    a.push_back(loadMatrix(tileA, add(warpRow, idx(16 * mt)), aRow, aChunk, 4));
  for (int64_t nt = 0; nt < s.fragsN; nt += 2) {
    Value pair = loadMatrix(tileB, add(warpCol, idx(8 * nt)), bRow, bChunk, 4);
    for (int64_t half = 0; half < 2; ++half)
      w.push_back(vector::ExtractStridedSliceOp::create(
          b, loc, pair, ArrayRef<int64_t>{2 * half, 0}, ArrayRef<int64_t>{2, 2},
          ArrayRef<int64_t>{1, 1}));
  }
  SmallVector<Value> result;
  for (int64_t mt = 0; mt < s.fragsM; ++mt)
    for (int64_t nt = 0; nt < s.fragsN; ++nt)
      result.push_back(nvgpu::MmaSyncOp::create(b, loc, a[mt], w[nt],
                                                acc[mt * s.fragsN + nt],
                                                ArrayRef<int64_t>{16, 8, 16}));
  return result;
}

void MmaKernelBuilder::storeOutput(ValueRange acc, Value split) {
  Value row0 =
      add(add(rowBase, warpRow), arith::DivUIOp::create(b, loc, lane, idx(4)));
  Value col0 = add(add(colBase, warpCol),
                   mul(arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2)));
  for (int64_t mt = 0; mt < s.fragsM; ++mt)
    for (int64_t nt = 0; nt < s.fragsN; ++nt)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j) {
          Value row = add(row0, idx(16 * mt + 8 * i));
          Value col = add(col0, idx(8 * nt + j));
          Value inside = arith::AndIOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                    idx(s.rows)),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                    idx(s.cols)));
          Value v = vector::ExtractOp::create(b, loc, acc[mt * s.fragsN + nt],
                                              ArrayRef<int64_t>{i, j});
          scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
            memref::StoreOp::create(b, loc, v, y,
                                    outputIndices(split, row, col));
            scf::YieldOp::create(b, loc);
          });
        }
}
