//===- Quant4Interfaces.td - quant4 interfaces -------------*- tablegen -*-===//

#ifndef QUANT4_INTERFACES
#define QUANT4_INTERFACES

include "mlir/IR/OpBase.td"

def Quant4_BlockFormatAttrInterface
    : AttrInterface<"BlockFormatAttrInterface"> {
  let cppNamespace = "::mlir::quant4";
  let description = [{
    Everything a lowering or a backend needs to know about a blocked format.
    A new format (Q4_0, Q8_0, int8, ternary, ...) is one new attribute that
    implements this interface plus its codec in lib/Format; no pass changes.

    The storage layout comes from lib/Format (`quant4::format::BlockLayout`):
    blocks of `getBlockSize()` values along the innermost dimension, stored
    as one or more planes one after another.
  }];
  let methods = [
    InterfaceMethod<"Short format name, as used by q4-quant and diagnostics.",
      "::llvm::StringRef", "getFormatName">,
    InterfaceMethod<"Block size and storage planes (from lib/Format).",
      "::quant4::format::BlockLayout", "getBlockLayout">,
    InterfaceMethod<[{
        The quantization rules this format offers; empty when the format has
        a single rule (then a quantize op takes no `rule`).
      }], "::llvm::ArrayRef<::mlir::quant4::QuantRule>", "getSupportedRules",
      (ins), [{}], [{ return {}; }]>,
    InterfaceMethod<[{
        Number of consecutive values of a block (a divisor of the block size)
        that share every decode parameter but their own code, e.g. Q4_K's
        32-value sub-blocks with their 6-bit scale and min. Lowerings loop
        over groups and then over the values of a group, so the group's
        decode work is loop-invariant in the inner loop.
      }], "int64_t", "getDecodeGroupSize", (ins), [{}],
      [{ return $_attr.getBlockLayout().blockSize; }]>,
    InterfaceMethod<[{
        The lib/Format codec spec of this format instance, quantizing with
        `rule` (the format's default when absent); for folding quantize on
        constants with lib/Format's Codec.h.
      }], "::quant4::format::FormatSpec", "getFormatSpec",
      (ins "std::optional<::mlir::quant4::QuantRule>":$rule)>,
    InterfaceMethod<[{
        Emits `tensor.extract` + arith ops at the builder's insertion point
        that decode value `index` (index type, `0 <= index < blockSize`) of
        block `block` (index type) from `storage`, a 1-D i8 tensor holding
        the planes of `numBlocks` blocks (an index value; constant for static
        shapes). Returns the f32 value, bit-exact with lib/Format's scalar
        dequantizer. Tables (codebooks) are emitted as `arith.constant`s.
      }], "::mlir::Value", "buildDecode",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$storage, "::mlir::Value":$numBlocks,
           "::mlir::Value":$block, "::mlir::Value":$index)>,
    InterfaceMethod<[{
        Number of consecutive values `buildVectorDecode` decodes at once in
        vectorized lowerings: a divisor of `getDecodeGroupSize()`, so a
        vector never straddles two groups. Default: 8 (or the group size
        when smaller).
      }], "int64_t", "getDecodeVectorWidth", (ins), [{}],
      [{ return ::std::gcd<int64_t>(8, $_attr.getDecodeGroupSize()); }]>,
    InterfaceMethod<[{
        Like `buildDecode`, for the `width` consecutive values `index`,
        `index + 1`, ... of block `block` (one decode group holds them all):
        returns a `vector<width x f32>` of the same bit-exact values. The
        default decodes lane by lane with `buildDecode` and gathers the
        lanes with `vector.from_elements`; formats override it with
        contiguous `vector.transfer_read`s of their packed codes.
      }], "::mlir::Value", "buildVectorDecode",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$storage, "::mlir::Value":$numBlocks,
           "::mlir::Value":$block, "::mlir::Value":$index, "int64_t":$width),
      [{}],
      [{
        return ::mlir::quant4::buildDecodeLaneByLane(
            $_attr, builder, loc, storage, numBlocks, block, index, width);
      }]>,
    InterfaceMethod<[{
        The decode split into a per-group affine map of per-value codes, for
        lowerings that factor it out of a dot product
        (`sum(x * w) = a_g * sum(x * c) + b_g * sum(x)` per decode group):
        value `i` of decode group `g` of block `block` is, bit-exactly,
        `a_g * c_i + b_g` (`a_g * c_i` when there is no offset), with `c_i`
        from `buildVectorCodes`. Returns the block's G = blockSize /
        `getDecodeGroupSize()` scales `a` and offsets `b` as two
        `vector<G x f32>` (the offsets null when the format has none), all
        of them computed at once. Default: {null, null}, the format has no
        such split (lowerings then use `buildVectorDecode`).
      }], "::std::pair<::mlir::Value, ::mlir::Value>", "buildBlockAffine",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$storage, "::mlir::Value":$numBlocks,
           "::mlir::Value":$block),
      [{}], [{ return {}; }]>,
    InterfaceMethod<[{
        The codes `c_i` of `buildBlockAffine` for the `width` consecutive
        values `index`, `index + 1`, ... of block `block` (one decode group
        holds them all), as a `vector<width x f32>`: Q4_K's 4-bit integers,
        NF4's codebook values, MXFP4's E2M1 values. Only called when
        `buildBlockAffine` returns scales.
      }], "::mlir::Value", "buildVectorCodes",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$storage, "::mlir::Value":$numBlocks,
           "::mlir::Value":$block, "::mlir::Value":$index, "int64_t":$width),
      [{}],
      [{
        return $_attr.buildVectorDecode(builder, loc, storage, numBlocks,
                                        block, index, width);
      }]>,
  ];
  let extraSharedClassDeclaration = [{
    /// Values per block along the innermost dimension.
    int64_t getBlockSize() { return $_attr.getBlockLayout().blockSize; }
    /// Storage bytes of `numBlocks` blocks; nullopt on int64 overflow.
    std::optional<int64_t> getStorageBytes(int64_t numBlocks) {
      return $_attr.getBlockLayout().storageBytes(numBlocks);
    }
  }];
}

#endif // QUANT4_INTERFACES
