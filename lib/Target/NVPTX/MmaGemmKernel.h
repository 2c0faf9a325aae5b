//===- MmaGemmKernel.h - The GEMM-class tensor-core kernel -----*- C++ -*-===//
//
// What quant4-gpu-mma-gemm (MmaGemm.cpp) builds inside its mma launch: the
// shape and tiling of a GEMM-class matmul and the builder of the kernel
// body. MmaGemmKernel.cpp has the mma.sync kernel (decoding in the kernel,
// or cp.async stages of decoded-once weights) and what both kernels share
// (the stages, their copies and swizzle); MmaGemmWgmma.cpp the wgmma
// kernel of sm_90a, MmaGemmWgmmaQ4K.cpp its form that decodes Q4_K into
// wgmma's A registers. MmaGemm.cpp describes the whole lowering.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_MMAGEMMKERNEL_H
#define QUANT4_TARGET_NVPTX_MMAGEMMKERNEL_H

#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

namespace mlir::quant4::mmagemm {

/// Threads of the elementwise launches and of the mma kernel that decodes
/// (8 warps as 2 (M) x 4 (N)).
constexpr int64_t kThreads = 256;
/// K values per step of the decoding kernel: one barrier-separated stage of
/// the tiles. Every block size (32, 64, 256) is a multiple.
constexpr int64_t kStepK = 32;
/// Row length in halves of the decoding kernel's workgroup tiles: kStepK
/// plus 8 of padding.
constexpr int64_t kRowPitch = kStepK + 8;
/// Rows and columns of a warp tile of the decode-once kernel when M > 64.
constexpr int64_t kAsyncWarpTile = 64;
/// The most dynamic shared memory an sm_90 launch block may opt in to.
constexpr int64_t kMaxSharedBytes = 227 * 1024;
/// Alignment in bytes of a 128-byte-swizzled wgmma operand tile: 8 rows of
/// 128 bytes, the period of the swizzle.
constexpr int64_t kSwizzleAlign = 1024;
/// Rows of x a warpgroup's wgmma.mma_async covers (m64nNk16).
constexpr int64_t kWarpgroupRows = 64;
/// wgmma kernel decoding Q4_K itself: bytes a raw weight row takes in a
/// stage, the block's 16 header bytes (d, dmin, scales) and the K step's 32
/// qs bytes (one 32-byte chunk: 64 values). 48-byte rows keep the 16-byte
/// reads of 8 consecutive rows in distinct banks.
constexpr int64_t kRawRowBytes = 48;
/// Bytes of one cp.async of the wgmma kernels' stages.
constexpr int64_t kCopyBytes = 16;
/// A fragment registers (f16 pairs) of one k16 slice of a wgmma with A
/// from registers.
constexpr int64_t kFragmentRegisters = 4;
/// NF4 in the decoding wgmma kernel: a table of the f16 pairs each code
/// byte stands for (256 i32 words).
constexpr int64_t kNF4PairTableBytes = 256 * 4;
/// Launch blocks a matmul aims for (4 per SM of a 132-SM H100): fewer
/// output tiles split their K steps over grid z (M = 64).
constexpr int64_t kTargetBlocks = 4 * 132;

/// Static facts about one GEMM-class matmul and its tiling.
struct MmaShape : MatmulSizes {
  int64_t tileM, tileN;   // BM, BN (output tile per launch block)
  int64_t fragsM, fragsN; // m16 / n8 fragments per warp
  int64_t splits;         // K splits over grid z (1: none)
  int64_t warpsM, warpsN; // warps of a launch block, M x N
  int64_t stepK;          // K values per pipeline step
  int64_t stages;         // cp.async stages (decode-once kernel)
  bool halfWeights;       // weights decoded to f16 once, first
  bool wgmma;             // wgmma kernel (sm_90a)
  bool wgmmaDecode;       // wgmma kernel decoding Q4_K into A registers
  int64_t warpgroupTiles; // wgmma: m64 tiles per warpgroup

  int64_t threads() const { return 32 * warpsM * warpsN; }
  /// Bytes of one decode-once stage: (BM + BN) rows of stepK halves; with
  /// wgmmaDecode the x rows only.
  int64_t stageBytes() const {
    return (tileM + (wgmmaDecode ? 0 : tileN)) * stepK * 2;
  }
  /// wgmmaDecode: bytes of one stage of raw weight rows (kRawRowBytes
  /// each) and the number of such stages (the copies run stages - 2 steps
  /// ahead, and the step decoded next stays until it is decoded).
  int64_t rawStageBytes() const { return tileN * kRawRowBytes; }
  int64_t rawStages() const { return stages - 1; }
  /// wgmmaDecode: steps a loop iteration runs (those of a block, at least
  /// 2, so that consecutive steps decode into different registers).
  int64_t decodeUnroll() const {
    return std::max<int64_t>(2, blockSize / stepK);
  }
  int64_t decodeTableBytes; // wgmmaDecode: shared table bytes (NF4)
  /// Bytes of the decode-once kernel's workgroup stages (dynamic shared
  /// memory), plus the slack that aligns the wgmma kernel's stages to the
  /// 1024 bytes of a 128-byte swizzle pattern; with wgmmaDecode also the
  /// raw stages and the decode table.
  int64_t asyncSharedBytes() const {
    int64_t bytes = stages * stageBytes() + (wgmma ? kSwizzleAlign : 0);
    if (wgmmaDecode)
      bytes += rawStages() * rawStageBytes() + decodeTableBytes;
    return bytes;
  }
};

/// The kernel body: everything inside the mma launch.
class MmaKernelBuilder {
public:
  MmaKernelBuilder(OpBuilder &b, Location loc, const MmaShape &s,
                   BlockFormatAttrInterface format, Value x, Value storage,
                   Value wh, Value y)
      : b(b), loc(loc), s(s), format(format), x(x), storage(storage), wh(wh),
        y(y) {}

  void build(gpu::LaunchOp launch);

private:
  /// The thread's slice of a [rows x kStepK] tile staged by kThreads
  /// threads: row `tid / T` and values [c, c + n) with T = kStepK / n
  /// threads per row and c = (tid % T) * n, so a warp reads whole rows
  /// (coalesced) and each thread a contiguous run.
  struct Slice {
    Value row, col;
    int64_t count;
  };
  /// A tile as ldmatrix reads it: rows from `rowOffset` of `buffer`, a
  /// padded [rows, 40] buffer, or stage `stage` of a swizzled
  /// [stages, rows, 32] one when `stage` is set.
  struct TileRef {
    Value buffer, stage, rowOffset;
  };

  /// Decoding in the loop: software pipelining through registers, step
  /// s + 1's activations and decoded weights are loaded while step s's
  /// tiles (two padded workgroup buffers) feed the mma.
  ValueRange buildStagedLoop(gpu::LaunchOp launch, Value tid,
                             ArrayRef<Value> acc, Value firstStep,
                             Value lastStep);

  /// The decode-once kernel's stages: the launch's dynamic shared memory
  /// as a [stages, BM + BN, stepK] f16 buffer; for wgmma from the first
  /// kSwizzleAlign-aligned byte (`stagesAddress` is then its shared-window
  /// address, an i64). With wgmmaDecode the stages hold x rows only
  /// ([stages, BM, stepK]) and are followed by the raw stages, viewed as
  /// `rawTiles` ([rawStages, BN, kRawRowBytes] i8, for the copies),
  /// `rawHeaders` ([rawStages, BN, 3] chunks of 4 i32 words) and `rawWords`
  /// ([rawStages, BN, kRawRowBytes / 4] i32), then (NF4) `decodeTable`
  /// ([256] i32).
  Value viewStages();

  /// The wgmma kernel (sm_90a): tile t of warpgroup g of the launch block
  /// (T tiles each) computes output rows [64 (g T + t), + 64) x all BN
  /// columns of the tile with wgmma.mma_async m64nBNk16 (one descriptor of
  /// the weights for the T tiles), both operands read by the tensor cores
  /// from the cp.async stages (K-major, the 128-byte swizzle the copies
  /// already write: stepK = 64 halves a row). With S stages the copies run
  /// P = S - 2 steps ahead, and one wgmma group stays in flight:
  ///   copy(first + i) -> stage i, commit, for i < P
  ///   wait until step first's copies landed; fence.proxy.async; barrier
  ///   for s = first ..= last (j = s - first):
  ///     wgmma.fence; acc = wgmma x (stepK / 16) on stage j mod S; commit
  ///     copy(min(s + P, last)) -> stage (j + P) mod S, commit
  ///     wgmma.wait_group 1        // step s - 1's products are done
  ///     wait until step s + 1's copies landed; fence.proxy.async; barrier
  /// Stage (j + P) mod S = (j - 2) mod S was last read by step s - 2's
  /// wgmma, which every warpgroup finished before the barrier ending step
  /// s - 1. The fence makes the copies (generic proxy) visible to the
  /// tensor cores' reads (async proxy).
  SmallVector<Value> buildWgmmaLoop(Value tid, Value firstStep, Value lastStep);

  /// The descriptor of the stages' first byte (matrix descriptor format:
  /// 128-byte swizzle, stride 1024 bytes); adding offset / 16 addresses a
  /// tile inside the stages.
  Value buildDescriptorBase();

  /// The wgmma kernel decoding Q4_K (wgmmaDecode; MmaGemmWgmmaQ4K.cpp):
  /// the launch block's BN weight rows are the A operand (warpgroup g's
  /// m64 tile: rows [64 g, + 64)) and its BM x rows the B operand (wgmma
  /// m64nBMk16), so the accumulators hold the transposed output tile. The
  /// weights never reach shared memory as f16: each step's copies bring
  /// the raw bytes of the weight rows (copyRawWeights) with the x rows,
  /// and each thread decodes its A fragments straight into registers
  /// (decodeFragments). The loop runs the 4 steps of a block per
  /// iteration. With S stages (P = S - 2 steps ahead, S - 1 raw stages):
  ///   copy(first + i) -> x stage i, raw stage i, commit, for i < P
  ///   wait until step first's copies landed; barrier
  ///   for s = first ..= last (j = s - first):
  ///     a = decode(raw stage j mod (S - 1))  // step s - 1's wgmma runs
  ///     wgmma.fence; acc = wgmma(a, x stage j mod S) x 4; commit
  ///     copy(min(s + P, last)) -> x stage (j + P) mod S,
  ///                               raw stage (j + P) mod (S - 1), commit
  ///     wgmma.wait_group 1                   // step s - 1's is done
  ///     wait until step s + 1's copies landed; fence.proxy.async; barrier
  /// The stages a step's copies overwrite were last read by step s - 2's
  /// wgmma (x) and step s - 1's decode (raw), both finished before the
  /// barrier ending step s - 1.
  SmallVector<Value> buildWgmmaDecodeLoop(Value tid, Value firstStep,
                                          Value lastStep);

  /// wgmmaDecode: cp.async of the raw bytes K step `step` of the weight
  /// tile needs into raw stage `stage` (threads 2 r and 2 r + 1 copy row r;
  /// rows past N copy row N - 1): copyRawQ4K or copyRawNF4.
  void copyRawWeights(Value tid, Value stage, Value step,
                      SmallVectorImpl<Value> &copies);
  /// Q4_K: 3 chunks of 16 bytes a row, the block's header (d, dmin,
  /// scales) and the step's 32 qs bytes (chunks 0, 1 and 2, 2: the last
  /// one twice).
  void copyRawQ4K(Value tid, Value stage, Value step,
                  SmallVectorImpl<Value> &copies);
  /// NF4 (64-value blocks: a step is one block): the block's 32 code bytes
  /// (one 16-byte chunk each thread) and its f32 absmax (bytes 32 - 35,
  /// by both).
  void copyRawNF4(Value tid, Value stage, Value step,
                  SmallVectorImpl<Value> &copies);

  /// wgmmaDecode: the thread's A fragments from raw stage `rawStage`, K
  /// step `stepInBlock` of its block, 4 i32 registers (f16 pairs) for each
  /// k16 slice kk (decodeQ4KFragments or decodeNF4Fragments): lane l
  /// of warp w of warpgroup g holds rows r = 64 g + 16 w + l / 4 and r + 8,
  /// columns 2 (l mod 4) + {0, 1} and + 8 (the mma.m16n8k16 A layout).
  /// Q4_K: value k of the step is the low (k < 32) or high nibble of qs
  /// byte k mod 32 (sub-block 2 stepInBlock or + 1); each pair is y =
  /// f16(d1) q - f16(m1) in f16x2 arithmetic (q from the bits 0x6400 | q,
  /// 1024 + q, minus 1024).
  SmallVector<Value> decodeFragments(Value tid, Value rawStage,
                                     int64_t stepInBlock);
  SmallVector<Value> decodeQ4KFragments(Value tid, Value rawStage,
                                        int64_t stepInBlock);
  /// NF4: value k of the step is the code in nibble 1 - k mod 2 of byte
  /// k / 2 (the first value in the high nibble); the pair of byte c is
  /// decodeTable[c] (f16(codebook[c >> 4]), f16(codebook[c & 15])) times
  /// f16(absmax), one rounding in the f16x2 multiply. A lane's pairs are
  /// byte l mod 4 of each code word.
  SmallVector<Value> decodeNF4Fragments(Value tid, Value rawStage);
  /// NF4: fills decodeTable (before the barrier that ends the prologue).
  void fillNF4Table(Value tid);
  /// The first of the two weight rows whose A fragments thread `tid`
  /// holds: 64 g + 16 w + l / 4 (warpgroup g, warp w in it, lane l); the
  /// other is 8 rows further.
  Value firstFragmentRow(Value tid);

  /// acc + wgmma.mma_async m64nNk16 with A from registers `a` (4 i32) and B
  /// through descriptor `descB` (inline PTX: the NVVM op only takes
  /// descriptors).
  Value multiplyRegisterA(Value acc, ArrayRef<Value> a, Value descB);

  /// The wgmma accumulators of m64nN, one per m64 tile t of warpgroup g:
  /// register 4 j + 2 i + c of thread t' holds row 64 (g T + t) +
  /// 16 ((t' / 32) mod 4) + (t' mod 32) / 4 + 8 i, column 8 j +
  /// 2 (t' mod 4) + c of the launch block's tile. Stored where inside
  /// M x N, two columns at once when N is even. With wgmmaDecode (one m64
  /// tile a warpgroup) rows are weight rows and columns x rows: the
  /// transposed tile.
  void storeWarpgroupOutput(Value tid, ValueRange accs, Value split);

  /// One m64nN accumulator whose register 4 j + 2 i + c is output
  /// [row0 + 8 i, col0 + 8 j + c] (of partial sums `split` when set), or
  /// [col0 + 8 j + c, row0 + 8 i] when `transposed`.
  void storeAccumulator(Value acc, Value row0, Value col0, Value split,
                        bool transposed);

  /// [row, col] of y, or [split, row, col] of the partial sums.
  static SmallVector<Value> outputIndices(Value split, Value row, Value col) {
    if (split)
      return {split, row, col};
    return {row, col};
  }

  /// Weights decoded once: both tiles are f16 row copies, made by cp.async
  /// into S = stages workgroup stages, S - 1 steps ahead of the mma.
  ///   copy(first + i) -> stage i, commit, for i < S - 1
  ///   wait until step first's group is done; barrier
  ///   for s = first ..= last (j = s - first):
  ///     copy(min(s + S - 1, last)) -> stage (j - 1) mod S, commit
  ///     mma on stage j mod S
  ///     wait until step s + 1's group is done; barrier
  /// The barrier ending step s - 1 also frees its stage for the copy.
  ValueRange buildAsyncLoop(Value tiles, Value tid, ArrayRef<Value> acc,
                            Value firstStep, Value lastStep);

  Type tokenType() { return nvgpu::DeviceAsyncTokenType::get(b.getContext()); }

  /// Waits until at most `pending` cp.async groups after the one of the
  /// step to be multiplied next are in flight (`token`: the newest group),
  /// then the barrier that makes every thread's copies visible; with
  /// `asyncProxy` (wgmma reads shared memory through the async proxy) a
  /// fence.proxy.async first makes them visible to that proxy too.
  void waitForStep(Value token, int64_t pending, bool asyncProxy);

  /// An empty commit group and a wait for every group: the trailing copies
  /// (of the last step again) land before the kernel goes on.
  void drainCopies();

  /// cp.async of K step `step` of both tiles into stage `stage` (rows
  /// [0, BM) x, [BM, BM + BN) weights), one commit group; returns its
  /// token. With C = stepK / 8 16-byte chunks per row and T threads,
  /// chunk q = tid + T i is row q / C, chunk q % C; rows past M (N) copy
  /// row M - 1 (N - 1). With wgmmaDecode the weight rows are raw bytes
  /// instead, into raw stage `rawStage` (copyRawWeights).
  Value copyStep(Value tiles, Value tid, Value stage, Value step,
                 Value rawStage = Value());

  /// The column (in halves) of logical 16-byte chunk `chunk` of a row
  /// whose index is `row` mod 8, rows of C = stepK / 8 chunks (R = 8 / C
  /// rows per 128-byte line): chunk xor ((row / R) mod C), i.e. chunk xor
  /// ((row / 2) mod 4) for 64-byte rows, chunk xor (row mod 8) for 128-byte
  /// rows. The eight rows one ldmatrix phase reads (8 consecutive rows,
  /// same chunk) then cover all 8 bank quarters of 128 bytes.
  Value swizzledColumn(Value chunk, Value row);

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  Value add(Value l, Value r) {
    return b.createOrFold<arith::AddIOp>(loc, l, r,
                                         arith::IntegerOverflowFlags::nuw);
  }

  Value mul(Value l, Value r) {
    return b.createOrFold<arith::MulIOp>(loc, l, r,
                                         arith::IntegerOverflowFlags::nuw);
  }

  Value clampTo(Value v, int64_t size) {
    return arith::MinUIOp::create(b, loc, v, idx(size - 1));
  }

  Value toHalf(Value v) {
    return arith::TruncFOp::create(b, loc, b.getF16Type(), v);
  }

  Slice sliceOf(Value tid, int64_t rows);

  /// The thread's f16 values of K step `step`: its activation slice, then
  /// its weight slice.
  SmallVector<Value> loadStep(const Slice &sliceA, const Slice &sliceB,
                              Value step);

  /// tile[r][c + j] = values[j] for the thread's slice.
  void storeSlice(Value tile, const Slice &slice, ValueRange values);

  /// src[row][32 step + c..] of the slice's tile row, `src` an f16
  /// [size, K] buffer (x made by buildHalfActivations), row = base + the
  /// slice's row; rows past `size` read row size - 1 (their outputs are not
  /// stored).
  SmallVector<Value> loadHalfRows(Value src, Value base, int64_t size,
                                  const Slice &slice, Value step);

  /// f16(decode(weight row col, 32 step + c..)) of the slice's tile row;
  /// columns past N decode row N - 1. The value index inside the block is
  /// the step's offset in its block plus a constant, so the decode's group
  /// arithmetic folds (a step never straddles a block).
  SmallVector<Value> decodeWeights(const Slice &slice, Value step);

  /// ldmatrix of `numTiles` 8x8 matrices: the lane's address is row
  /// `base` + `laneRow` (`base` a multiple of 8), logical 16-byte chunk
  /// `chunk`.
  Value loadMatrix(const TileRef &tile, Value base, Value laneRow, Value chunk,
                   int64_t numTiles);

  /// acc + the products of the k16 slice at column kk of both tiles.
  SmallVector<Value> multiplyFragments(const TileRef &tileA,
                                       const TileRef &tileB, int64_t kk,
                                       ArrayRef<Value> acc);

  /// Accumulator element [i][j] of fragment (mt, nt) is output row
  /// 16 mt + lane / 4 + 8 i, column 8 nt + 2 (lane % 4) + j of the warp
  /// tile; stored where inside M x N, at [split, row, col] of the partial
  /// sums when `split` is set.
  void storeOutput(ValueRange acc, Value split);

  OpBuilder &b;
  Location loc;
  const MmaShape &s;
  BlockFormatAttrInterface format;
  Value x, storage, wh, y;
  Value lane, rowBase, colBase, warpRow, warpCol;
  Value stagesAddress;
  Value rawTiles, rawHeaders, rawWords, decodeTable;
};

} // namespace mlir::quant4::mmagemm

#endif // QUANT4_TARGET_NVPTX_MMAGEMMKERNEL_H
