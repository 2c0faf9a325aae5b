//===- SafetensorsQuant.h - Quantized tensor groups in safetensors -*- C++
//-*-===//
//
// Recognises the blocked 4-bit tensors that checkpoints store as several
// plain safetensors tensors (see docs FORMATS.md):
//
//  * bitsandbytes NF4 (Params4bit): `W` uint8 packed codes, `W.absmax`,
//    `W.quant_map`, optionally `W.nested_absmax` / `W.nested_quant_map`, and
//    `W.quant_state.bitsandbytes__nf4`, a JSON dict stored as uint8 bytes
//    (quant_type, blocksize, dtype, shape, nested_blocksize, nested_offset...).
//  * gpt-oss MXFP4: `W.blocks` (or `W_blocks`) uint8 [..., G, 16] and
//    `W.scales` (or `W_scales`) uint8 [..., G] of E8M0 exponents.
//
// Each group is reported with its format, logical shape and its planes in the
// order Layout.h lists them, as zero-copy views into the file.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_SAFETENSORSQUANT_H
#define QUANT4_FORMAT_SAFETENSORSQUANT_H

#include "Format/Layout.h"
#include "Format/SafetensorsFile.h"

namespace quant4::format {

/// One plane of a group's storage.
struct QuantPlane {
  /// The plane name of Layout.h ("codes", "absmax", "blocks", ...).
  std::string_view name;
  ByteSpan bytes;
  /// The tensor it comes from; empty when it comes from the quant state JSON
  /// (NF4's double-quantization offset).
  std::string tensor;
};

struct QuantizedTensorGroup {
  /// The weight's name without plane suffixes
  /// ("model.layers.0.mlp.up_proj.weight",
  /// "model.layers.0.mlp.experts.gate_up_proj").
  std::string name;
  FormatKind format = FormatKind::NF4;
  /// Logical shape, outermost first.
  std::vector<int64_t> shape;
  /// Values per block.
  int64_t blockSize = 0;
  /// NF4: absmax double-quantized.
  bool doubleQuant = false;
  /// MXFP4: element order of the blocks plane (always HF here).
  MXFP4Layout mxfp4Layout = MXFP4Layout::HF;
  /// NF4: the original dtype named by the quant state ("bfloat16", ...).
  std::string dtype;
  /// Planes in Layout.h order.
  std::vector<QuantPlane> planes;
  /// NF4: the 16-entry code table (float32) and, with double quantization,
  /// the 256-entry absmax code table; empty views when not stored.
  ByteSpan quantMap;
  ByteSpan nestedQuantMap;
  /// Every tensor of the file that belongs to this group.
  std::vector<std::string> members;
  /// Bytes not stored as a tensor (NF4's offset), owned here.
  std::shared_ptr<std::vector<uint8_t>> owned;

  int64_t numElements() const;
};

/// Finds every NF4 and MXFP4 group of `file`. A group whose parts disagree
/// (sizes, shapes, dtypes, a malformed quant state) is an error.
Expected<std::vector<QuantizedTensorGroup>>
findQuantizedGroups(const SafetensorsFile &file);

} // namespace quant4::format

#endif // QUANT4_FORMAT_SAFETENSORSQUANT_H
