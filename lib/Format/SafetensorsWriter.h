//===- SafetensorsWriter.h - safetensors writer -----------------*- C++ -*-===//
//
// Writes safetensors files the way the reference writer does: tensors sorted
// by dtype (descending, the reference's dtype order) then name, laid out
// contiguously; a compact JSON header with "__metadata__" first (keys
// sorted), padded with spaces to a multiple of 8 bytes.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_SAFETENSORSWRITER_H
#define QUANT4_FORMAT_SAFETENSORSWRITER_H

#include "Format/SafetensorsFile.h"

#include <map>

namespace quant4::format {

class SafetensorsWriter {
public:
  void setMetadata(std::string key, std::string value) {
    metadata_[std::move(key)] = std::move(value);
  }
  /// Adds a tensor; `data` is borrowed until write and must match dtype and
  /// shape.
  Status addTensor(std::string name, SafetensorsDType dtype,
                   std::vector<int64_t> shape, ByteSpan data);
  /// As above, taking ownership of the bytes.
  Status addTensor(std::string name, SafetensorsDType dtype,
                   std::vector<int64_t> shape, std::vector<uint8_t> data);

  /// The 8-byte length and the padded JSON header.
  std::vector<uint8_t> serializeHeader() const;
  /// The whole file.
  std::vector<uint8_t> serialize() const;
  Status write(const std::string &path) const;

private:
  struct Tensor {
    std::string name;
    SafetensorsDType dtype;
    std::vector<int64_t> shape;
    ByteSpan data;
    std::shared_ptr<std::vector<uint8_t>> owned;
  };
  /// Tensors in file order.
  std::vector<const Tensor *> ordered() const;

  std::map<std::string, std::string> metadata_;
  std::vector<Tensor> tensors_;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_SAFETENSORSWRITER_H
