//===- MmaGemmWgmmaDecode.cpp - wgmma with weights decoded into A ---------===//
//
// The wgmma kernel that decodes its weights itself (quant4-gpu-mma-gemm
// option wgmma-decode-max-rows; Q4_K and NF4): the weights are wgmma's A
// operand, decoded from raw blocks in shared memory straight into each
// thread's A fragment registers while the previous step's wgmma runs; x is
// the B operand, through cp.async stages and a matrix descriptor
// (docs/NVPTX.md, "wgmma decoding Q4_K and NF4 into registers"). The
// formats' raw rows and decoders are in MmaGemmWgmmaQ4K.cpp and
// MmaGemmWgmmaNF4.cpp.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/MmaGemmKernel.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

SmallVector<Value> MmaKernelBuilder::buildWgmmaDecodeLoop(Value tid,
                                                          Value firstStep,
                                                          Value lastStep) {
  assert(s.stepK == 64 && s.warpgroupTiles == 1 &&
         "K steps of 64, one m64 tile of weight rows a warpgroup");
  Value tiles = viewStages();
  if (isa<NF4Attr>(format))
    fillNF4Table(tid);
  int64_t ahead = s.stages - 2;
  auto copy = [&](Value j, Value step) {
    Value stage = b.createOrFold<arith::RemUIOp>(loc, j, idx(s.stages));
    Value rawStage = b.createOrFold<arith::RemUIOp>(loc, j, idx(s.rawStages()));
    return copyStep(tiles, tid, stage, step, rawStage);
  };
  Value token;
  for (int64_t i = 0; i < ahead; ++i) {
    Value step =
        arith::MinUIOp::create(b, loc, add(firstStep, idx(i)), lastStep);
    token = copy(idx(i), step);
  }
  waitForStep(token, ahead - 1, /*asyncProxy=*/true);

  Value descBase = buildDescriptorBase();
  MLIRContext *ctx = b.getContext();
  auto accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(s.tileM / 2, b.getF32Type()));
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  // Step `step`: decode, multiply, copy ahead, wait (see the header).
  auto runStep = [&](Value step, int64_t stepInBlock, Value acc) {
    Value j = b.createOrFold<arith::SubIOp>(loc, step, firstStep);
    Value rawStage = arith::RemUIOp::create(b, loc, j, idx(s.rawStages()));
    SmallVector<Value> a = decodeFragments(tid, rawStage, stepInBlock);
    Value stageOffset = mul(arith::RemUIOp::create(b, loc, j, idx(s.stages)),
                            idx(s.stageBytes()));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t kk = 0; kk < s.stepK / 16; ++kk) {
      Value bytes = add(stageOffset, idx(kk * 32));
      Value descB = arith::AddIOp::create(
          b, loc, descBase,
          arith::IndexCastUIOp::create(
              b, loc, b.getI64Type(),
              arith::ShRUIOp::create(b, loc, bytes, idx(4))));
      acc = multiplyRegisterA(
          acc,
          ArrayRef<Value>(a).slice(kk * kFragmentRegisters, kFragmentRegisters),
          descB);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    // While the tensor cores multiply: the copies P steps ahead.
    Value aheadJ = add(j, idx(ahead));
    Value aheadStep =
        arith::MinUIOp::create(b, loc, add(step, idx(ahead)), lastStep);
    Value token = copy(aheadJ, aheadStep);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
    waitForStep(token, ahead - 1, /*asyncProxy=*/true);
    return acc;
  };
  // Unrolled by the steps of a block, at least 2 (Q4_K: 4, NF4: 2; each
  // split starts an iteration): a wgmma reads its A registers until it
  // completes (the wait_group of the next step), so consecutive steps must
  // decode into different registers, and in one loop body every step's
  // fragments are distinct values (PTX registers); step s + U overwrites
  // step s's only after waiting for it. Each step's position in its block
  // is a constant (Q4_K: the sub-blocks, and the scale unpacking folds).
  int64_t unroll = s.decodeUnroll();
  auto loop = scf::ForOp::create(
      b, loc, firstStep, add(lastStep, idx(1)), idx(unroll), ValueRange{zero},
      [&](OpBuilder &, Location, Value step, ValueRange iter) {
        Value acc = iter.front();
        for (int64_t i = 0; i < unroll; ++i)
          acc = runStep(i ? add(step, idx(i)) : step,
                        i % (s.blockSize / s.stepK), acc);
        scf::YieldOp::create(b, loc, acc);
      });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  drainCopies();
  return loop.getResults();
}

Value MmaKernelBuilder::multiplyRegisterA(Value acc, ArrayRef<Value> a,
                                          Value descB) {
  // Operands: the accumulators (outputs 0 .. n - 1, tied to inputs n ..
  // 2n - 1), then A's four registers and B's descriptor.
  int64_t n = s.tileM / 2;
  std::string text = "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                     "wgmma.mma_async.sync.aligned.m64n" +
                     std::to_string(s.tileM) + "k16.f32.f16.f16 {";
  std::string constraints;
  SmallVector<Value> operands;
  for (int64_t i = 0; i < n; ++i) {
    text += (i ? ", $" : "$") + std::to_string(i);
    constraints += "=f,";
    operands.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
  }
  for (int64_t i = 0; i < n; ++i)
    constraints += std::to_string(i) + ",";
  text += "}, {";
  for (int64_t i = 0; i < kFragmentRegisters; ++i) {
    text += (i ? ", $" : "$") + std::to_string(2 * n + i);
    constraints += "r,";
  }
  // scale-d (p: accumulate), imm-scale-a, imm-scale-b, imm-trans-b.
  text += "}, $" + std::to_string(2 * n + kFragmentRegisters) +
          ", p, 1, 1, 0;\n}\n";
  constraints += "l";
  llvm::append_range(operands, a);
  operands.push_back(descB);
  return LLVM::InlineAsmOp::create(
             b, loc, acc.getType(), operands, text, constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

Value MmaKernelBuilder::firstFragmentRow(Value tid) {
  Value warpRows =
      add(mul(arith::DivUIOp::create(b, loc, tid, idx(128)), idx(64)),
          mul(arith::RemUIOp::create(
                  b, loc, arith::DivUIOp::create(b, loc, tid, idx(32)), idx(4)),
              idx(16)));
  return add(warpRows, arith::DivUIOp::create(b, loc, lane, idx(4)));
}

void MmaKernelBuilder::copyRawWeights(Value tid, Value stage, Value step,
                                      SmallVectorImpl<Value> &copies) {
  assert(s.threads() == 2 * s.tileN && "two threads copy each raw row");
  if (isa<NF4Attr>(format))
    return copyRawNF4(tid, stage, step, copies);
  copyRawQ4K(tid, stage, step, copies);
}

SmallVector<Value> MmaKernelBuilder::decodeFragments(Value tid, Value rawStage,
                                                     int64_t stepInBlock) {
  if (isa<NF4Attr>(format))
    return decodeNF4Fragments(tid, rawStage);
  return decodeQ4KFragments(tid, rawStage, stepInBlock);
}
