//===- Layout.h - Storage layout of blocked 4-bit formats -------*- C++ -*-===//
//
// The single description of how a blocked tensor is laid out in memory. The
// dialect's format attributes, the lowerings, the runtime and the tools all ask
// this file; nothing else decides how many bytes a format takes.
//
// A blocked tensor of logical shape [..., K] is a sequence of blocks of
// `blockSize` consecutive values along the innermost dimension, in row-major
// order (block b covers flat elements [b*blockSize, (b+1)*blockSize)). Its
// storage is one or more *planes*, stored one after another in the order
// listed. Plane p holds `bytesPerGroup` bytes for every group of
// `blocksPerGroup` consecutive blocks (the last group may be partial and still
// takes a whole group); blocksPerGroup == 0 means one group for the whole
// tensor (a per-tensor value such as NF4's double-quantization offset).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_LAYOUT_H
#define QUANT4_FORMAT_LAYOUT_H

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace quant4::format {

enum class FormatKind { Q4_K, NF4, MXFP4, Q4_0, Q8_0 };

/// Element order inside an MXFP4 block.
enum class MXFP4Layout {
  /// ggml's block_mxfp4 {u8 e; u8 qs[16]}: element j low nibble, j+16 high.
  GGML,
  /// gpt-oss / Hugging Face: a blocks plane [G,16] (element 2i low nibble,
  /// 2i+1 high nibble) followed by a scales plane [G] of E8M0 bytes.
  HF,
};

struct Plane {
  std::string_view name;
  int64_t bytesPerGroup;
  int64_t blocksPerGroup; // 0: one group for the whole tensor.

  bool operator==(const Plane &other) const {
    return name == other.name && bytesPerGroup == other.bytesPerGroup &&
           blocksPerGroup == other.blocksPerGroup;
  }
};

/// Logical block size and storage planes of one format instance.
struct BlockLayout {
  int64_t blockSize = 0;
  std::vector<Plane> planes;

  /// Bytes of plane `p` for `numBlocks` blocks; nullopt on overflow or
  /// negative input.
  std::optional<int64_t> planeBytes(size_t p, int64_t numBlocks) const;
  /// Total storage bytes for `numBlocks` blocks; nullopt on overflow.
  std::optional<int64_t> storageBytes(int64_t numBlocks) const;
  /// Byte offset of plane `p` in the storage; nullopt on overflow.
  std::optional<int64_t> planeOffset(size_t p, int64_t numBlocks) const;
  /// Number of blocks in a tensor of `numElements` values, or nullopt when
  /// `numElements` is not a whole number of blocks.
  std::optional<int64_t> numBlocks(int64_t numElements) const;

  bool operator==(const BlockLayout &other) const {
    return blockSize == other.blockSize && planes == other.planes;
  }
};

/// The format family's name ("q4_k", "nf4", "mxfp4", "q4_0", "q8_0"), as the
/// dialect's format attributes and q4-quant spell it.
std::string_view formatKindName(FormatKind kind);

/// ggml's QK_K: values per Q4_K super-block.
inline constexpr int64_t kQK_K = 256;
/// Bytes of one block_q4_K.
inline constexpr int64_t kQ4KBlockBytes = 144;
/// bitsandbytes' nested (double-quantization) block of absmax values.
inline constexpr int64_t kNF4NestedBlock = 256;
/// OCP MX block size.
inline constexpr int64_t kMXFP4Block = 32;

BlockLayout q4kLayout();
/// `blockSize` must satisfy isValidNF4BlockSize.
BlockLayout nf4Layout(int64_t blockSize, bool doubleQuant);
BlockLayout mxfp4Layout(MXFP4Layout layout);
BlockLayout q4_0Layout();
BlockLayout q8_0Layout();

/// bitsandbytes' block sizes: powers of two from 32 to 4096.
bool isValidNF4BlockSize(int64_t blockSize);

} // namespace quant4::format

#endif // QUANT4_FORMAT_LAYOUT_H
