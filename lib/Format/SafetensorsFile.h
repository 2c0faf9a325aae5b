//===- SafetensorsFile.h - safetensors reader -------------------*- C++ -*-===//
//
// The safetensors format (huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON
//   {"__metadata__": {"k": "v", ...},
//    "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}, ...}
// (padded with spaces), then the data; offsets are relative to the data.
//
// The reader applies the reference implementation's rules to untrusted input:
// header at most 100 MB, starting with '{', strict JSON; every tensor's
// byte range matches its dtype and shape; the ranges are contiguous from 0
// and cover the data to the end of the file. Tensor bytes are zero-copy
// views into the (mapped) buffer.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_SAFETENSORSFILE_H
#define QUANT4_FORMAT_SAFETENSORSFILE_H

#include "Format/ByteBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quant4::format {

/// safetensors dtypes, in the reference's order (the writer sorts by it).
enum class SafetensorsDType {
  BOOL,
  F4,
  F6_E2M3,
  F6_E3M2,
  U8,
  I8,
  F8_E5M2,
  F8_E4M3,
  F8_E8M0,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  C64,
  F64,
  I64,
  U64,
};

std::string_view safetensorsDTypeName(SafetensorsDType dtype);
std::optional<SafetensorsDType> safetensorsDTypeFromName(std::string_view name);
/// Bits per element.
unsigned safetensorsDTypeBits(SafetensorsDType dtype);
/// Bytes of `shape` elements of `dtype`; nullopt on overflow, negative dims or
/// a bit count that is not a whole number of bytes.
std::optional<uint64_t> safetensorsByteSize(SafetensorsDType dtype,
                                            const std::vector<int64_t> &shape);

inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100000000;

struct SafetensorsTensorInfo {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::F32;
  /// Row-major shape (outermost first).
  std::vector<int64_t> shape;
  /// Byte range relative to the start of the data section.
  uint64_t begin = 0;
  uint64_t end = 0;

  int64_t numElements() const;
};

class SafetensorsFile {
public:
  static Expected<SafetensorsFile> open(const std::string &path);
  static Expected<SafetensorsFile>
  parse(std::shared_ptr<const ByteBuffer> buffer);

  /// Length of the JSON header (including padding).
  uint64_t headerBytes() const { return headerBytes_; }
  /// Offset of the data section in the file (8 + headerBytes()).
  uint64_t dataOffset() const { return 8 + headerBytes_; }

  /// The "__metadata__" map in document order.
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return metadata_;
  }
  const std::string *findMetadata(std::string_view key) const;

  /// Tensors in header order.
  const std::vector<SafetensorsTensorInfo> &tensors() const { return tensors_; }
  const SafetensorsTensorInfo *findTensor(std::string_view name) const;
  /// The bytes of `tensor` (zero-copy).
  ByteSpan tensorData(const SafetensorsTensorInfo &tensor) const;

  const std::shared_ptr<const ByteBuffer> &buffer() const { return buffer_; }

private:
  std::shared_ptr<const ByteBuffer> buffer_;
  uint64_t headerBytes_ = 0;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::vector<SafetensorsTensorInfo> tensors_;
  std::vector<size_t> byName_; // indices into tensors_, sorted by name

  friend class SafetensorsParser;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_SAFETENSORSFILE_H
