//===- GGUFWriter.h - GGUF v3 writer ----------------------------*- C++ -*-===//
//
// Builds a GGUF v3 file the way ggml's gguf writer lays it out: header,
// key/values in insertion order, tensor infos in insertion order with offsets
// that are each padded to the alignment, zero padding up to the data section,
// then every tensor's bytes followed by zero padding to the alignment.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_GGUFWRITER_H
#define QUANT4_FORMAT_GGUFWRITER_H

#include "Format/ByteBuffer.h"
#include "Format/GGMLType.h"
#include "Format/GGUFValue.h"

#include <memory>
#include <string>
#include <vector>

namespace quant4::format {

class GGUFWriter {
public:
  /// Adds (or replaces) a metadata key. "general.alignment" must be a u32
  /// power of two; it sets the alignment used for the data.
  Status setMetadata(std::string key, GGUFValue value);

  /// Adds a tensor of ggml dims `ne` (ne[0] innermost). `data` is borrowed
  /// and must stay valid until write; its size must match the type and dims.
  Status addTensor(std::string name, GGMLType type, std::vector<int64_t> ne,
                   ByteSpan data);
  /// As above, taking ownership of the bytes.
  Status addTensor(std::string name, GGMLType type, std::vector<int64_t> ne,
                   std::vector<uint8_t> data);

  uint32_t alignment() const { return alignment_; }

  /// The whole file.
  std::vector<uint8_t> serialize() const;
  /// Writes the file to `path`.
  Status write(const std::string &path) const;

private:
  struct Tensor {
    std::string name;
    GGMLType type;
    std::vector<int64_t> ne;
    ByteSpan data;
    std::shared_ptr<std::vector<uint8_t>> owned;
  };
  /// Everything before the data section (including its padding).
  std::vector<uint8_t> serializeHeader() const;

  std::vector<std::pair<std::string, GGUFValue>> metadata_;
  std::vector<Tensor> tensors_;
  uint32_t alignment_ = 32;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_GGUFWRITER_H
