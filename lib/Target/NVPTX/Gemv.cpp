//===- Gemv.cpp - GEMV-class quant4.matmul as one gpu.launch --------------===//
//
// quant4-gpu-gemv: a `quant4.matmul` with few rows (M <= max-rows) becomes a
// gpu.launch built here, before bufferization (the launch reads the tensors
// it captures; one-shot bufferization turns those reads into loads):
//
//   threadIdx.x = lane * (32 / L) + column in the warp; R columns per thread
//   lane = blockLane * S + unitLane: S lanes share a block's units
//   acc[0..M*R) = 0
//   for kb = blockLane; kb < blocksPerRow; kb += L / S * U: // U blocks a trip
//     for unit = unitLane; unit < units; unit += S:     // unrolled if small
//       load the unit's bytes of all U x R blocks
//       for each group of the unit (one scale, one offset):
//         dot[m, r] = sum_i c_i[r] x[m, k_i]; sx[m] = sum_i x[m, k_i]
//         acc[m, r] += scale[r] * dot[m, r] - offset[r] * sx[m]
//   acc = butterfly sum over the lane bits of threadIdx.x (gpu.shuffle xor)
//   lane 0: y[m, n_r] = acc[m, r]
//
// The weights are decoded once for all M rows and each activation load
// feeds R columns. Value indices are constants (unrolled) or a unit base
// plus a constant, so the decode's index arithmetic folds (in MLIR or
// LLVM) and a block's bytes sit at constant offsets from one base: 16-byte
// loads (kernel pointers are 16-byte aligned,
// quant4-gpu-mark-kernel-args). The warp's columns share each activation
// load (a broadcast). Decode tables go to workgroup memory.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/GemvDecode.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/Passes.h"
#include "Target/NVPTX/QuantizeQ8K.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUGEMV
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// The knobs of one GEMV kernel (pass options override each).
struct GemvKnobs {
  int64_t lanes, unitLanes, unitValues, colsPerThread, unroll;
};

/// The defaults, per format and M, from sweeps of the knobs on an H100
/// (bench/gpu/gemv_variants.sh; docs/PERF.md, "GEMV: lanes over a block's
/// units"): a warp's 32 lanes on one column, S = 8 of them on the units of
/// one block, so a warp instruction reads contiguous bytes of a few
/// neighbouring blocks (coalesced) and the kernel has enough threads (N / R
/// warps) to keep loads in flight. Q4_K: 16-byte units (32 values, two
/// sub-blocks' halves), two blocks a trip at M = 1 and four columns a thread
/// at M = 2 - 4; above, 8-byte units on 16 lanes, four columns; with Q8_K
/// activations at M = 1 one column and four blocks a trip (more loads in
/// flight for the shorter integer decode). NF4 and MXFP4: 8-value units (4
/// code bytes; MXFP4's 32-value blocks take 4 lanes).
static GemvKnobs getDefaultKnobs(BlockFormatAttrInterface format, int64_t rows,
                                 bool int8Activations) {
  if (!isa<Q4KAttr>(format))
    return {32, 8, 8, rows == 1 ? 2 : 4, 1};
  if (int8Activations && rows == 1)
    return {32, 8, 32, 1, 4};
  if (rows > 4)
    return {32, 16, 16, 4, 1};
  return {32, 8, 32, rows == 1 ? 2 : 4, rows == 1 ? 2 : 1};
}

/// Most blocks x rows (M x R x U) whose decode is unrolled whole.
constexpr int64_t kMaxUnrolledBlocks = 2;

/// Static facts about one GEMV-class matmul.
struct GemvShape : MatmulSizes {
  int64_t lanes;                   // L: lanes sharing a column's K blocks
  int64_t unitLanes;               // S: lanes sharing one block's units
  int64_t blockLanes;              // L / S: blocks of a column in flight
  int64_t unitValues;              // values per decoder unit
  int64_t colsPerWarp;             // 32 / L (low bits of the lane id)
  int64_t warpsPerBlock;           // W
  int64_t colsPerThread;           // R: columns sharing each x load
  int64_t unroll;                  // U: K blocks per lane and loop trip
  bool int8Activations;            // activations q8_k: x rounded to Q8_K
};

/// The kernel body: everything inside the gpu.launch.
class GemvKernelBuilder {
public:
  GemvKernelBuilder(OpBuilder &b, Location loc, const GemvShape &s,
                    GemvDecoder &decoder, Value x, Value y, Q8KBuffers xq = {})
      : b(b), loc(loc), s(s), decoder(decoder), x(x), y(y), xq(xq) {}

  void build(gpu::LaunchOp launch) {
    // threadIdx.x = lane * (32 / L) + column in the warp: the warp's
    // columns read the same activations at once (one broadcast per lane).
    Value tid = launch.getThreadIds().x;
    Value lane = arith::DivUIOp::create(b, loc, tid, idx(s.colsPerWarp));
    Value blockLane =
        b.createOrFold<arith::DivUIOp>(loc, lane, idx(s.unitLanes));
    unitLane = b.createOrFold<arith::RemUIOp>(loc, lane, idx(s.unitLanes));
    Value warp = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                              idx(s.warpsPerBlock)),
        launch.getThreadIds().y);
    Value first = arith::MulIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, warp, idx(s.colsPerWarp)),
            arith::RemUIOp::create(b, loc, tid, idx(s.colsPerWarp))),
        idx(s.colsPerThread));
    // Columns past N (a partial last launch block) compute column N - 1 so
    // every lane joins the shuffles, and store nothing.
    SmallVector<Value> cols, clamped;
    for (int64_t r = 0; r < s.colsPerThread; ++r) {
      cols.push_back(arith::AddIOp::create(b, loc, first, idx(r)));
      clamped.push_back(
          arith::MinUIOp::create(b, loc, cols.back(), idx(s.cols - 1)));
    }
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    SmallVector<Value> acc(s.rows * s.colsPerThread, zero);
    // U blocks kb, kb + L / S, ... per trip while the last is in the row,
    // then (when L / S x U does not divide the row) the rest one block per
    // trip.
    int64_t step = s.blockLanes * s.unroll;
    Value start = blockLane;
    if (s.unroll > 1) {
      int64_t bound = s.blocksPerRow - (s.unroll - 1) * s.blockLanes;
      auto loop = scf::ForOp::create(
          b, loc, blockLane, idx(bound), idx(step), acc,
          [&](OpBuilder &, Location, Value kb, ValueRange iter) {
            SmallVector<Value> kbs;
            for (int64_t u = 0; u < s.unroll; ++u)
              kbs.push_back(
                  arith::AddIOp::create(b, loc, kb, idx(u * s.blockLanes)));
            scf::YieldOp::create(b, loc, accumulateBlocks(clamped, kbs, iter));
          });
      acc = loop.getResults();
      // blockLane < L / S <= bound: the first kb past the loop is
      // blockLane + step * ((bound - 1 - blockLane) / step + 1).
      Value trips = arith::AddIOp::create(
          b, loc,
          arith::DivUIOp::create(
              b, loc, arith::SubIOp::create(b, loc, idx(bound - 1), blockLane),
              idx(step)),
          idx(1));
      start = arith::AddIOp::create(
          b, loc, blockLane, arith::MulIOp::create(b, loc, trips, idx(step)));
    }
    if (s.unroll == 1 || s.blocksPerRow % step != 0) {
      auto loop = scf::ForOp::create(
          b, loc, start, idx(s.blocksPerRow), idx(s.blockLanes), acc,
          [&](OpBuilder &, Location, Value kb, ValueRange iter) {
            scf::YieldOp::create(b, loc, accumulateBlocks(clamped, kb, iter));
          });
      acc = loop.getResults();
    }
    SmallVector<Value> sums = reduceLanes(acc);
    Value isFirstLane =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
    for (int64_t r = 0; r < s.colsPerThread; ++r) {
      Value store = arith::AndIOp::create(
          b, loc, isFirstLane,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cols[r],
                                idx(s.cols)));
      scf::IfOp::create(b, loc, store, [&](OpBuilder &, Location) {
        for (int64_t m = 0; m < s.rows; ++m)
          memref::StoreOp::create(b, loc, sums[m * s.colsPerThread + r], y,
                                  ValueRange{idx(m), clamped[r]});
        scf::YieldOp::create(b, loc);
      });
    }
    gpu::TerminatorOp::create(b, loc);
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// acc[m * R + r] + the products of K blocks `kbs` of columns `cols[r]`
  /// with row m of x, this lane's units of them (unitLane, unitLane + S,
  /// ...). With one unit per lane, or few rows x blocks (M x R x U <= 2),
  /// the units are unrolled (value indices constant, or a lane base plus
  /// constants); otherwise an scf.for walks them, so LLVM cannot hoist all
  /// the blocks' decode ahead of its uses (it spilled at M = 4, and Q4_K at
  /// M = 1 with R = 4).
  SmallVector<Value> accumulateBlocks(ArrayRef<Value> cols, ValueRange kbs,
                                      ValueRange acc) {
    SmallVector<SmallVector<Value>> blocks;
    SmallVector<Value> kBases;
    for (Value kb : kbs) {
      blocks.emplace_back();
      for (Value n : cols)
        blocks.back().push_back(arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, n, idx(s.blocksPerRow)), kb));
      kBases.push_back(arith::MulIOp::create(b, loc, kb, idx(s.blockSize)));
    }
    int64_t numUnits = decoder.getUnitsPerBlock();
    int64_t laneUnits = numUnits / s.unitLanes;
    Value firstUnit = unitLane;
    if (laneUnits == 1 ||
        s.rows * s.colsPerThread * s.unroll <= kMaxUnrolledBlocks) {
      SmallVector<Value> result(acc);
      for (int64_t i = 0; i < laneUnits; ++i) {
        Value unit =
            b.createOrFold<arith::AddIOp>(loc, firstUnit, idx(i * s.unitLanes));
        result = accumulateUnit(blocks, kBases, unit, result);
      }
      return result;
    }
    auto loop = scf::ForOp::create(
        b, loc, firstUnit, idx(numUnits), idx(s.unitLanes), acc,
        [&](OpBuilder &, Location, Value unit, ValueRange iter) {
          scf::YieldOp::create(b, loc,
                               accumulateUnit(blocks, kBases, unit, iter));
        });
    return loop.getResults();
  }

  /// acc + the products of unit `unit` of every block: first the loads of
  /// all U x R blocks, then per block and group sum(code x) for the R
  /// columns (each x value loaded once) and sum(x), scaled once per group.
  SmallVector<Value> accumulateUnit(ArrayRef<SmallVector<Value>> blocks,
                                    ArrayRef<Value> kBases, Value unit,
                                    ValueRange acc) {
    if (xq.codes)
      return accumulateUnitInt8(blocks, kBases, unit, acc);
    auto nuw = arith::IntegerOverflowFlags::nuw;
    int64_t numCols = s.colsPerThread;
    SmallVector<SmallVector<SmallVector<Value>>> loaded =
        loadUnit(blocks, unit);
    Value unitBase = decoder.getUnitBase(b, loc, unit);
    SmallVector<Value> result(acc);
    for (auto [u, row] : llvm::enumerate(blocks)) {
      SmallVector<SmallVector<GemvGroup>> groups;
      for (auto [r, block] : llvm::enumerate(row))
        groups.push_back(decoder.decode(b, loc, block, unit, loaded[u][r]));
      Value base = arith::AddIOp::create(b, loc, kBases[u], unitBase, nuw);
      for (auto [g, group] : llvm::enumerate(groups.front())) {
        SmallVector<Value> dots(s.rows * numCols), sums(s.rows);
        for (auto [i, code] : llvm::enumerate(group.codes)) {
          Value k = arith::AddIOp::create(b, loc, base,
                                          idx(group.first + int64_t(i)), nuw);
          for (int64_t m = 0; m < s.rows; ++m) {
            Value xv =
                tensor::ExtractOp::create(b, loc, x, ValueRange{idx(m), k});
            if (xv.getType() != b.getF32Type())
              xv = arith::ExtFOp::create(b, loc, b.getF32Type(), xv);
            if (group.offset)
              sums[m] = addProduct(sums[m], xv, {});
            for (int64_t r = 0; r < numCols; ++r)
              dots[m * numCols + r] =
                  addProduct(dots[m * numCols + r], groups[r][g].codes[i], xv);
          }
        }
        for (int64_t m = 0; m < s.rows; ++m) {
          for (int64_t r = 0; r < numCols; ++r) {
            const GemvGroup &mine = groups[r][g];
            Value &sum = result[m * numCols + r];
            Value dot = dots[m * numCols + r];
            if (mine.scale)
              dot = arith::MulFOp::create(b, loc, mine.scale, dot);
            if (mine.offset)
              dot = arith::SubFOp::create(
                  b, loc, dot,
                  arith::MulFOp::create(b, loc, mine.offset, sums[m]));
            sum = arith::AddFOp::create(b, loc, sum, dot);
          }
        }
      }
    }
    return result;
  }

  /// decoder.load of unit `unit` of every block (all issued before any
  /// decode, so their loads are in flight together).
  SmallVector<SmallVector<SmallVector<Value>>>
  loadUnit(ArrayRef<SmallVector<Value>> blocks, Value unit) {
    SmallVector<SmallVector<SmallVector<Value>>> loaded;
    for (ArrayRef<Value> row : blocks) {
      loaded.emplace_back();
      for (Value block : row)
        loaded.back().push_back(decoder.load(b, loc, block, unit));
    }
    return loaded;
  }

  /// accumulateUnit for activations rounded to Q8_K (xq): per group the
  /// integer dots sum(c q_x) and sum(q_x) by dp4a (unsigned weight bytes,
  /// signed activation bytes, exact in i32), scaled as d_x (scale dot -
  /// offset sum) once per group.
  SmallVector<Value> accumulateUnitInt8(ArrayRef<SmallVector<Value>> blocks,
                                        ArrayRef<Value> kBases, Value unit,
                                        ValueRange acc) {
    auto nuw = arith::IntegerOverflowFlags::nuw;
    int64_t numCols = s.colsPerThread;
    SmallVector<SmallVector<SmallVector<Value>>> loaded =
        loadUnit(blocks, unit);
    Value unitBase = decoder.getUnitBase(b, loc, unit);
    Value ones = asBytes(
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0x01010101));
    SmallVector<Value> result(acc);
    for (auto [u, row] : llvm::enumerate(blocks)) {
      SmallVector<SmallVector<GemvIntGroup>> groups;
      for (auto [r, block] : llvm::enumerate(row))
        groups.push_back(
            decoder.decodeIntegers(b, loc, block, unit, loaded[u][r]));
      Value base = arith::AddIOp::create(b, loc, kBases[u], unitBase, nuw);
      Value kb = arith::DivUIOp::create(b, loc, kBases[u], idx(s.blockSize));
      for (int64_t m = 0; m < s.rows; ++m) {
        Value scaleX = memref::LoadOp::create(
            b, loc, xq.scales,
            ValueRange{arith::AddIOp::create(b, loc, kb,
                                             idx(m * s.blocksPerRow), nuw)});
        SmallVector<Value> sums(numCols);
        for (auto [g, group] : llvm::enumerate(groups.front())) {
          SmallVector<Value> words = loadActivationWords(
              arith::AddIOp::create(b, loc, base,
                                    idx(m * s.depth + group.first), nuw),
              group.words.size());
          Value sumX = dotBytes(ones, words);
          Value sumXf = arith::SIToFPOp::create(b, loc, b.getF32Type(), sumX);
          for (int64_t r = 0; r < numCols; ++r) {
            const GemvIntGroup &mine = groups[r][g];
            SmallVector<Value> codes;
            for (Value w : mine.words)
              codes.push_back(asBytes(w));
            Value dot = arith::SIToFPOp::create(b, loc, b.getF32Type(),
                                                dotBytes(codes, words));
            Value term = arith::SubFOp::create(
                b, loc, arith::MulFOp::create(b, loc, mine.scale, dot),
                arith::MulFOp::create(b, loc, mine.offset, sumXf));
            sums[r] = addProduct(sums[r], term, {});
          }
        }
        for (int64_t r = 0; r < numCols; ++r) {
          Value &sum = result[m * numCols + r];
          sum = addProduct(sum, scaleX, sums[r]);
        }
      }
    }
    return result;
  }

  /// `count` words of 4 activation codes from xq.codes at `offset` (a
  /// multiple of 16 bytes when count >= 4: 16-byte loads).
  SmallVector<Value> loadActivationWords(Value offset, int64_t count) {
    SmallVector<Value> words;
    int64_t width = std::min<int64_t>(16, 4 * count);
    for (int64_t at = 0; at < 4 * count; at += width) {
      Value bytes = vector::LoadOp::create(
          b, loc, VectorType::get({width}, b.getI8Type()), xq.codes,
          ValueRange{arith::AddIOp::create(b, loc, offset, idx(at))});
      for (int64_t w = 0; w < width / 4; ++w)
        words.push_back(vector::ExtractStridedSliceOp::create(
            b, loc, bytes, ArrayRef<int64_t>{4 * w}, ArrayRef<int64_t>{4},
            ArrayRef<int64_t>{1}));
    }
    return words;
  }

  /// The i32 `word` as vector<4xi8> (dp4a's operand type).
  Value asBytes(Value word) {
    Value vec = vector::FromElementsOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), ValueRange{word});
    return vector::BitCastOp::create(b, loc,
                                     VectorType::get({4}, b.getI8Type()), vec);
  }

  /// sum over t of dp4a(unsigned codes[t], signed x[t]) (a single `codes`
  /// entry is reused for every word).
  Value dotBytes(ArrayRef<Value> codes, ArrayRef<Value> xWords) {
    Value sum = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    for (auto [t, word] : llvm::enumerate(xWords))
      sum = NVVM::DotAccumulate4WayOp::create(
          b, loc, b.getI32Type(), codes.size() == 1 ? codes[0] : codes[t],
          NVVM::DotAccumulateType::UNSIGNED, word,
          NVVM::DotAccumulateType::SIGNED, sum);
    return sum;
  }

  /// sum + a * c (just a * c for a null sum; a for a null c).
  Value addProduct(Value sum, Value a, Value c) {
    Value product = c ? arith::MulFOp::create(b, loc, a, c).getResult() : a;
    return sum ? arith::AddFOp::create(b, loc, sum, product).getResult()
               : product;
  }

  /// Butterfly sums over the L lanes of a column (xor offsets 16 .. 32 / L:
  /// the lane bits of threadIdx.x).
  SmallVector<Value> reduceLanes(ValueRange values) {
    SmallVector<Value> sums(values);
    for (int64_t offset = 16; offset >= s.colsPerWarp; offset /= 2) {
      Value off = arith::ConstantIntOp::create(b, loc, b.getI32Type(), offset);
      Value width = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 32);
      for (Value &sum : sums) {
        auto shuffle = gpu::ShuffleOp::create(b, loc, sum, off, width,
                                              gpu::ShuffleMode::XOR);
        sum = arith::AddFOp::create(b, loc, sum, shuffle.getShuffleResult());
      }
    }
    return sums;
  }

  OpBuilder &b;
  Location loc;
  const GemvShape &s;
  GemvDecoder &decoder;
  Value x, y;
  Value unitLane; // lane % S
  Q8KBuffers xq;  // x in Q8_K (int8Activations), or null
};

/// Constant tables the decode indexes with codes (NF4's codebook, E2M1
/// values, the nested absmax map) move to workgroup memory: the launch
/// block's threads copy each table once, then every lookup is an ld.shared
/// (16 f32 entries: distinct codes sit in distinct banks, equal codes
/// broadcast) instead of a global load per value.
static void moveTablesToSharedMemory(gpu::LaunchOp launch, int64_t threads) {
  DenseMap<Attribute, SmallVector<tensor::ExtractOp>> uses;
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
static void rewriteSmallIntToFloat(Operation *root) {
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
static void allowContraction(Operation *root) {
  auto contract = arith::FastMathFlagsAttr::get(root->getContext(),
                                                arith::FastMathFlags::contract);
  root->walk([&](arith::ArithFastMathInterface op) {
    op->setAttr(op.getFastMathAttrName(), contract);
  });
}

/// True when `fromBytes` reads i8 storage, after retyping a ui8 function
/// argument that only from_bytes ops read to i8 (the same bytes; the type
/// convert-quant4-to-linalg gives it anyway, and the only byte type
/// bufferization and arith accept).
static bool hasSignlessBytes(FromBytesOp fromBytes) {
  Value bytes = fromBytes.getBytes();
  auto type = cast<RankedTensorType>(bytes.getType());
  if (type.getElementType().isSignlessInteger(8))
    return true;
  auto arg = dyn_cast<BlockArgument>(bytes);
  auto func = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                  : func::FuncOp();
  if (!func || arg.getOwner() != &func.getBody().front() ||
      !llvm::all_of(arg.getUsers(), llvm::IsaPred<FromBytesOp>))
    return false;
  arg.setType(type.clone(IntegerType::get(type.getContext(), 8)));
  SmallVector<Type> inputs(func.getArgumentTypes());
  inputs[arg.getArgNumber()] = arg.getType();
  func.setFunctionType(
      FunctionType::get(func.getContext(), inputs, func.getResultTypes()));
  return true;
}

struct Gemv : mlir::quant4::impl::Quant4GPUGemvBase<Gemv> {
  using Base::Base;

  /// The shape of `op` if it is GEMV-class and this lowering handles it:
  /// static [M, K] x [N, K] with M <= maxRows, f32 result and accumulator,
  /// weights from from_bytes of i8 (or retyped ui8) storage.
  std::optional<GemvShape> match(MatmulOp op) {
    ActivationMode mode = op.getActivationModeOrDefault();
    BlockFormatAttrInterface weightFormat =
        op.getWeights().getType().getFormat();
    // Q8_K activations: formats whose GEMV decoder has integer codes (the
    // verifier allows only Q4_K, C19), K a multiple of Q8_K's 256.
    std::optional<MatmulSizes> sizes =
        mode == ActivationMode::q8_k && !isa<Q4KAttr>(weightFormat)
            ? std::nullopt
            : getStaticMatmulSizes(op, mode);
    if (!sizes || (mode == ActivationMode::q8_k && sizes->depth % 256 != 0) ||
        !hasSignlessBytes(op.getWeights().getDefiningOp<FromBytesOp>()) ||
        sizes->rows > maxRows)
      return std::nullopt;
    GemvShape s;
    static_cast<MatmulSizes &>(s) = *sizes;
    s.int8Activations = mode == ActivationMode::q8_k;
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    GemvKnobs knobs = getDefaultKnobs(format, s.rows, s.int8Activations);
    auto chosen = [](int64_t option, int64_t fallback) {
      return option > 0 ? option : fallback;
    };
    SmallVector<int64_t> unitSizes = GemvDecoder::getUnitSizes(format);
    s.unitValues = chosen(unitValues, knobs.unitValues);
    if (!llvm::is_contained(unitSizes, s.unitValues)) {
      InFlightDiagnostic diag =
          op.emitError() << "quant4-gpu-gemv: unit-values=" << s.unitValues
                         << " is not a unit size of " << format
                         << "'s GEMV decoder (one of ";
      llvm::interleaveComma(unitSizes, diag);
      diag << ")";
      failed = true;
      return std::nullopt;
    }
    // S lanes share a block's units (at most its units; both are powers of
    // two), R columns per thread share each activation load (at most N).
    s.unitLanes = std::min(chosen(unitLanes, knobs.unitLanes),
                           s.blockSize / s.unitValues);
    s.colsPerThread =
        std::min<int64_t>(s.cols, chosen(colsPerThread, knobs.colsPerThread));
    // L lanes per column: a power of two from S to 32, and at most S times
    // the K blocks of a row.
    s.lanes = std::clamp<int64_t>(
        int64_t(llvm::bit_floor(uint64_t(chosen(lanes, knobs.lanes)))),
        s.unitLanes,
        std::min<int64_t>(32, s.unitLanes * int64_t(llvm::bit_floor(
                                                uint64_t(s.blocksPerRow)))));
    s.blockLanes = s.lanes / s.unitLanes;
    s.colsPerWarp = 32 / s.lanes;
    s.warpsPerBlock = std::max<int64_t>(1, threads / 32);
    // U blocks per lane and loop trip, at most the lane's share of a row.
    s.unroll = std::clamp<int64_t>(chosen(unroll, knobs.unroll), 1,
                                   s.blocksPerRow / s.blockLanes);
    return s;
  }

  void rewrite(MatmulOp op, const GemvShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    memref::AllocOp buffer = allocateMatmulResult(b, op);
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value one = c(1);
    auto launch = gpu::LaunchOp::create(
        b, loc,
        c(llvm::divideCeil(s.cols,
                           s.warpsPerBlock * s.colsPerWarp * s.colsPerThread)),
        one, one, c(32), c(s.warpsPerBlock), one);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    Q8KBuffers xq;
    if (s.int8Activations) {
      OpBuilder before(launch);
      xq = buildQ8KQuantization(before, loc, op.getActivations(), s.rows,
                                s.depth);
    }
    std::unique_ptr<GemvDecoder> decoder =
        GemvDecoder::create(op.getWeights().getType().getFormat(), storage,
                            s.numBlocks, s.unitValues);
    GemvKernelBuilder(body, loc, s, *decoder, op.getActivations(), buffer, xq)
        .build(launch);
    if (sharedTables)
      moveTablesToSharedMemory(launch, 32 * s.warpsPerBlock);
    rewriteSmallIntToFloat(launch);
    allowContraction(launch);
    b.setInsertionPointAfter(launch);
    replaceMatmulWithBuffer(b, op, buffer);
  }

  void runOnOperation() override {
    if (unitLanes < 0 || unitLanes > 32 ||
        (unitLanes > 0 &&
         !llvm::isPowerOf2_64(uint64_t(unitLanes.getValue())))) {
      getOperation().emitError()
          << "quant4-gpu-gemv: unit-lanes=" << unitLanes.getValue()
          << " must be a power of two from 1 to 32 (or 0, the default)";
      return signalPassFailure();
    }
    rewriteMatchingMatmuls(getOperation(), *this);
    if (failed)
      signalPassFailure();
  }

  bool failed = false;
};

} // namespace
