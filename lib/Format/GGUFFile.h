//===- GGUFFile.h - GGUF v3 reader ------------------------------*- C++ -*-===//
//
// Parses a GGUF file (ggml-org/ggml docs/gguf.md; versions 2 and 3) from a
// ByteBuffer, normally a read-only mapping of the file. Tensor data is not
// copied: a tensor's bytes are a ByteSpan into the buffer.
//
// The input is untrusted. Every count, length, dimension and offset is checked
// against the bytes actually present before anything is allocated or read;
// any violation gives a failed Expected with a one-line message.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_GGUFFILE_H
#define QUANT4_FORMAT_GGUFFILE_H

#include "Format/ByteBuffer.h"
#include "Format/GGMLType.h"
#include "Format/GGUFValue.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace quant4::format {

/// "GGUF" read as a little-endian u32.
inline constexpr uint32_t kGGUFMagic = 0x46554747;
inline constexpr uint32_t kGGUFVersion = 3;
inline constexpr uint32_t kGGUFDefaultAlignment = 32;
/// Largest general.alignment accepted (reader and writer): larger values are
/// legal in principle but only serve to make padding allocations absurd.
inline constexpr uint32_t kGGUFMaxAlignment = 1u << 16;
/// GGML_MAX_DIMS.
inline constexpr uint32_t kGGUFMaxDims = 4;
/// Deepest nesting of arrays inside arrays accepted by the reader.
inline constexpr unsigned kGGUFMaxArrayDepth = 8;

/// One tensor info of a GGUF file.
struct GGUFTensorInfo {
  std::string name;
  GGMLType type = GGMLType::F32;
  /// ggml dims: ne[0] is the innermost (contiguous) dimension.
  std::vector<int64_t> ne;
  /// Offset of the data relative to the start of the data section.
  uint64_t offset = 0;
  /// Size of the data in bytes.
  uint64_t bytes = 0;

  /// Number of elements (product of ne).
  int64_t numElements() const;
  /// Dims in row-major order (outermost first), i.e. ne reversed.
  std::vector<int64_t> rowMajorShape() const;
};

class GGUFFile {
public:
  /// Maps and parses `path`.
  static Expected<GGUFFile> open(const std::string &path);
  /// Parses `buffer` (kept alive by the returned object).
  static Expected<GGUFFile> parse(std::shared_ptr<const ByteBuffer> buffer);

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  /// Offset of the data section in the file.
  uint64_t dataOffset() const { return dataOffset_; }

  /// Metadata in file order.
  const std::vector<std::pair<std::string, GGUFValue>> &metadata() const {
    return metadata_;
  }
  /// The metadata value of `key`, or null.
  const GGUFValue *findMetadata(std::string_view key) const;

  /// Tensor infos in file order.
  const std::vector<GGUFTensorInfo> &tensors() const { return tensors_; }
  /// The tensor named `name`, or null.
  const GGUFTensorInfo *findTensor(std::string_view name) const;
  /// The bytes of `tensor` inside the buffer (zero-copy).
  ByteSpan tensorData(const GGUFTensorInfo &tensor) const;

  const std::shared_ptr<const ByteBuffer> &buffer() const { return buffer_; }

private:
  std::shared_ptr<const ByteBuffer> buffer_;
  uint32_t version_ = 0;
  uint32_t alignment_ = kGGUFDefaultAlignment;
  uint64_t dataOffset_ = 0;
  std::vector<std::pair<std::string, GGUFValue>> metadata_;
  std::vector<GGUFTensorInfo> tensors_;

  friend class GGUFParser;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_GGUFFILE_H
