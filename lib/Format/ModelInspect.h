//===- ModelInspect.h - Describe a GGUF or safetensors file -----*- C++ -*-===//
//
// What `q4-quant inspect` prints: every tensor (name, type, shape, bytes,
// offset) and all metadata of a model file, as text for people or as JSON
// for scripts. The container is detected from the magic bytes.
//
// JSON shape (one object):
//   GGUF:        {"format": "gguf", "version", "alignment", "data_offset",
//                 "metadata": [{"key", "type", ["element_type"], "value"}],
//                 "tensors": [{"name", "type", "type_id", "ne", "shape",
//                              "bytes", "offset"}]}
//   safetensors: {"format": "safetensors", "header_bytes", "data_offset",
//                 "metadata": {"k": "v"},
//                 "tensors": [{"name", "dtype", "shape", "bytes",
//                              "data_offsets"}],
//                 "quantized": [{"name", "format", "shape", "block_size",
//                                "double_quant", "planes": [{"name",
//                                "bytes", "tensor"}]}]}
// "ne" is ggml's dimension order (innermost first); "shape" is row-major.
// Integers are exact; floats that JSON cannot hold are "nan", "inf", "-inf".
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_MODELINSPECT_H
#define QUANT4_FORMAT_MODELINSPECT_H

#include "Format/GGUFFile.h"
#include "Format/SafetensorsFile.h"

#include <string>

namespace quant4::format {

enum class ModelFileKind { GGUF, Safetensors, Unknown };

/// The container of a file starting with `head` (at least its first 9 bytes
/// are needed to say safetensors).
ModelFileKind detectModelFileKind(ByteSpan head);

struct InspectOptions {
  bool json = false;
  /// Text only: array elements shown per metadata array (0 = all).
  size_t maxArrayElements = 16;
};

std::string describeGGUF(const GGUFFile &file, const InspectOptions &options);
/// Fails only when the NF4/MXFP4 groups of the file are inconsistent.
Expected<std::string> describeSafetensors(const SafetensorsFile &file,
                                          const InspectOptions &options);

/// Opens `path` (GGUF or safetensors) and describes it.
Expected<std::string> inspectModelFile(const std::string &path,
                                       const InspectOptions &options);

} // namespace quant4::format

#endif // QUANT4_FORMAT_MODELINSPECT_H
