//===- ModelTensor.h - One tensor of a model file, ready to use -*- C++ -*-===//
//
// What a `quant4.weight` op names: a tensor of a GGUF or safetensors file,
// seen the way the compiler and the runtime consume it — either a float
// tensor (f32/f16/bf16 little-endian elements) or a blocked tensor whose
// bytes are the planar storage of Layout.h. The compiler's weight import and
// the runtime's load-time weight binding both go through here, so they can
// never disagree about a file.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_MODELTENSOR_H
#define QUANT4_FORMAT_MODELTENSOR_H

#include "Format/ByteBuffer.h"
#include "Format/Codec.h"
#include "Format/Expected.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace quant4::format {

struct ModelTensor {
  enum class Element { F32, F16, BF16, Blocked };
  Element element = Element::F32;
  /// The storage format when element == Blocked.
  FormatSpec format;
  /// Logical shape, outermost dimension first.
  std::vector<int64_t> shape;
  /// Float elements, or the planar blocked storage.
  ByteSpan bytes;
  /// Keeps `bytes` alive: the file mapping (zero-copy) or an owned buffer
  /// when planes stored apart in the file had to be brought together.
  std::shared_ptr<const ByteBuffer> owner;

  /// "f32", "bf16", "q4_k", "nf4(block=64)" ...
  std::string describeElement() const;
};

/// A model file opened once (memory-mapped), kind detected from its magic.
class ModelFile {
public:
  static Expected<std::shared_ptr<ModelFile>> open(const std::string &path);
  virtual ~ModelFile();
  /// The tensor `name`, or an error naming the file and the tensor.
  virtual Expected<ModelTensor> tensor(std::string_view name) const = 0;
  const std::string &path() const { return path_; }

protected:
  explicit ModelFile(std::string path) : path_(std::move(path)) {}

private:
  std::string path_;
};

/// Opens each path at most once.
class ModelFileCache {
public:
  Expected<std::shared_ptr<ModelFile>> get(const std::string &path);

private:
  std::map<std::string, std::shared_ptr<ModelFile>> files_;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_MODELTENSOR_H
