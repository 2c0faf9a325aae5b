//===- GGMLType.cpp - ggml tensor types -----------------------------------===//

#include "Format/GGMLType.h"

#include <cctype>

namespace quant4::format {

namespace {

constexpr int64_t kQK = 256; // QK_K

constexpr GGMLTypeTraits kTraits[] = {
    {GGMLType::F32, "f32", 1, 4},
    {GGMLType::F16, "f16", 1, 2},
    {GGMLType::Q4_0, "q4_0", 32, 2 + 16},
    {GGMLType::Q4_1, "q4_1", 32, 2 + 2 + 16},
    {GGMLType::Q5_0, "q5_0", 32, 2 + 4 + 16},
    {GGMLType::Q5_1, "q5_1", 32, 2 + 2 + 4 + 16},
    {GGMLType::Q8_0, "q8_0", 32, 2 + 32},
    {GGMLType::Q8_1, "q8_1", 32, 2 + 2 + 32},
    {GGMLType::Q2_K, "q2_K", kQK, 2 + 2 + kQK / 16 + kQK / 4},
    {GGMLType::Q3_K, "q3_K", kQK, 2 + kQK / 4 + kQK / 8 + 12},
    {GGMLType::Q4_K, "q4_K", kQK, 2 + 2 + 12 + kQK / 2},
    {GGMLType::Q5_K, "q5_K", kQK, 2 + 2 + 12 + kQK / 2 + kQK / 8},
    {GGMLType::Q6_K, "q6_K", kQK, 2 + kQK / 2 + kQK / 4 + kQK / 16},
    {GGMLType::Q8_K, "q8_K", kQK, 4 + kQK + kQK / 8},
    {GGMLType::IQ2_XXS, "iq2_xxs", kQK, 2 + kQK / 4},
    {GGMLType::IQ2_XS, "iq2_xs", kQK, 2 + kQK / 4 + kQK / 32},
    {GGMLType::IQ3_XXS, "iq3_xxs", kQK, 2 + kQK / 4 + kQK / 8},
    {GGMLType::IQ1_S, "iq1_s", kQK, 2 + kQK / 8 + kQK / 16},
    {GGMLType::IQ4_NL, "iq4_nl", 32, 2 + 16},
    {GGMLType::IQ3_S, "iq3_s", kQK, 2 + kQK / 4 + kQK / 8 + kQK / 32 + 4},
    {GGMLType::IQ2_S, "iq2_s", kQK, 2 + kQK / 4 + kQK / 16},
    {GGMLType::IQ4_XS, "iq4_xs", kQK, 2 + 2 + kQK / 2 + kQK / 64},
    {GGMLType::I8, "i8", 1, 1},
    {GGMLType::I16, "i16", 1, 2},
    {GGMLType::I32, "i32", 1, 4},
    {GGMLType::I64, "i64", 1, 8},
    {GGMLType::F64, "f64", 1, 8},
    {GGMLType::IQ1_M, "iq1_m", kQK, kQK / 8 + kQK / 16 + kQK / 32},
    {GGMLType::BF16, "bf16", 1, 2},
    {GGMLType::TQ1_0, "tq1_0", kQK, 2 + 4 * 13},
    {GGMLType::TQ2_0, "tq2_0", kQK, 2 + 64},
    {GGMLType::MXFP4, "mxfp4", 32, 1 + 16},
};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace

std::optional<GGMLTypeTraits> ggmlTypeTraits(uint32_t id) {
  for (const GGMLTypeTraits &t : kTraits)
    if (static_cast<uint32_t>(t.type) == id)
      return t;
  return std::nullopt;
}

std::optional<GGMLType> ggmlTypeFromName(std::string_view name) {
  for (const GGMLTypeTraits &t : kTraits)
    if (equalsIgnoreCase(t.name, name))
      return t.type;
  return std::nullopt;
}

std::string_view ggmlTypeName(GGMLType type) {
  std::optional<GGMLTypeTraits> t = ggmlTypeTraits(type);
  return t ? t->name : std::string_view("?");
}

std::optional<int64_t> ggmlRowBytes(GGMLType type, int64_t rowElements) {
  std::optional<GGMLTypeTraits> t = ggmlTypeTraits(type);
  if (!t || rowElements < 0 || rowElements % t->blockSize != 0)
    return std::nullopt;
  int64_t bytes;
  if (__builtin_mul_overflow(rowElements / t->blockSize, t->blockBytes, &bytes))
    return std::nullopt;
  return bytes;
}

std::optional<int64_t> ggmlTensorBytes(GGMLType type, const int64_t *ne,
                                       size_t numDims) {
  if (numDims == 0)
    return ggmlRowBytes(type, 1);
  std::optional<int64_t> bytes = ggmlRowBytes(type, ne[0]);
  if (!bytes)
    return std::nullopt;
  int64_t total = *bytes;
  for (size_t i = 1; i < numDims; ++i)
    if (ne[i] < 0 || __builtin_mul_overflow(total, ne[i], &total))
      return std::nullopt;
  // The element count itself must fit in int64 too (ggml checks both).
  int64_t elements = 1;
  for (size_t i = 0; i < numDims; ++i)
    if (__builtin_mul_overflow(elements, ne[i], &elements))
      return std::nullopt;
  return total;
}

} // namespace quant4::format
