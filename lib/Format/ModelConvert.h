//===- ModelConvert.h - Re-quantize or re-container a model file -*- C++
//-*-===//
//
// What `q4-quant convert` does: reads a GGUF or safetensors model and writes
// a GGUF or safetensors model (chosen by the output's extension). With a
// format, every 2-D float tensor (F32/F16/BF16) whose rows are a whole number
// of blocks is quantized; everything else is copied unchanged.
//
// Where a format goes:
//   GGUF:        q4_k -> GGML_TYPE_Q4_K, mxfp4 -> GGML_TYPE_MXFP4 (ggml
//                layout); nf4 has no ggml type (an error).
//   safetensors: nf4 -> the bitsandbytes tensors (W, W.absmax, W.quant_map,
//                [W.nested_absmax, W.nested_quant_map,]
//                W.quant_state.bitsandbytes__nf4); mxfp4 -> gpt-oss W.blocks
//                [R, K/32, 16] + W.scales [R, K/32]; q4_k has no standard
//                safetensors form (an error).
// Metadata is copied (string values only between containers).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_MODELCONVERT_H
#define QUANT4_FORMAT_MODELCONVERT_H

#include "Format/Codec.h"
#include "Format/Expected.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quant4::format {

enum class ModelContainer { GGUF, Safetensors };

/// The container named by a path's extension (.gguf, .safetensors).
std::optional<ModelContainer> containerFromPath(std::string_view path);

struct ConvertOptions {
  /// The format to quantize float weights to; nullopt copies every tensor.
  std::optional<FormatSpec> format;
  /// Called before each output tensor is produced (done counts finished ones).
  std::function<void(size_t done, size_t total, const std::string &name)>
      progress;
};

struct ConvertReport {
  std::vector<std::string> quantized;
  std::vector<std::string> copied;
};

/// Converts `input` into `output` (container from the output's extension).
Expected<ConvertReport> convertModel(const std::string &input,
                                     const std::string &output,
                                     const ConvertOptions &options);

} // namespace quant4::format

#endif // QUANT4_FORMAT_MODELCONVERT_H
