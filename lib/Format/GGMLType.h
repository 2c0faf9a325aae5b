//===- GGMLType.h - ggml tensor types ---------------------------*- C++ -*-===//
//
// The ids of ggml's `enum ggml_type` as stored in GGUF tensor infos
// (ggml-org/ggml include/ggml.h), with block size, bytes per block and the
// name ggml prints (type_traits in src/ggml.c). Ids that ggml removed
// (4, 5, 31-33, 36-38) are not types.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_GGMLTYPE_H
#define QUANT4_FORMAT_GGMLTYPE_H

#include <cstdint>
#include <optional>
#include <string_view>

namespace quant4::format {

enum class GGMLType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
};

/// Size facts of one ggml type.
struct GGMLTypeTraits {
  GGMLType type;
  /// Name as ggml_type_name prints it ("f32", "q4_K", "mxfp4", ...).
  std::string_view name;
  /// Values per block (1 for plain element types).
  int64_t blockSize;
  /// Bytes per block.
  int64_t blockBytes;
};

/// Traits of the type with id `id`; nullopt for ids that are not (or no
/// longer) ggml types.
std::optional<GGMLTypeTraits> ggmlTypeTraits(uint32_t id);
inline std::optional<GGMLTypeTraits> ggmlTypeTraits(GGMLType type) {
  return ggmlTypeTraits(static_cast<uint32_t>(type));
}
/// The type named `name` (as ggml prints it; case-insensitive).
std::optional<GGMLType> ggmlTypeFromName(std::string_view name);
/// ggml's name of `type`.
std::string_view ggmlTypeName(GGMLType type);

/// Bytes of one row of `rowElements` values: nullopt when the row is not a
/// whole number of blocks, negative, or the size overflows int64.
std::optional<int64_t> ggmlRowBytes(GGMLType type, int64_t rowElements);
/// Bytes of a tensor of ggml dims `ne` (ne[0] innermost), with every check
/// of ggmlRowBytes and overflow checks on the element count.
std::optional<int64_t> ggmlTensorBytes(GGMLType type, const int64_t *ne,
                                       size_t numDims);

} // namespace quant4::format

#endif // QUANT4_FORMAT_GGMLTYPE_H
