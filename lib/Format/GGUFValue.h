//===- GGUFValue.h - GGUF metadata values -----------------------*- C++ -*-===//
//
// One metadata value of a GGUF file: a scalar (u8..i64, f32, f64, bool), a
// string, or an array of one element type (arrays may nest). Values own their
// bytes; numeric arrays keep their little-endian element bytes as stored.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_GGUFVALUE_H
#define QUANT4_FORMAT_GGUFVALUE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace quant4::format {

/// gguf_type ids (ggml-org/ggml include/gguf.h).
enum class GGUFValueType : uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};

/// True for the ids 0..12.
bool isGGUFValueType(uint32_t id);
/// Bytes of a scalar of `type` in a file; 0 for String and Array.
size_t ggufScalarBytes(GGUFValueType type);
/// The name gguf_type_name prints: "u8", "i8", ..., "str", "arr", "f64".
std::string_view ggufValueTypeName(GGUFValueType type);

class GGUFValue {
public:
  GGUFValue() = default;

  static GGUFValue u8(uint8_t v) { return scalar(GGUFValueType::UInt8, v); }
  static GGUFValue i8(int8_t v) {
    return scalar(GGUFValueType::Int8, static_cast<uint8_t>(v));
  }
  static GGUFValue u16(uint16_t v) { return scalar(GGUFValueType::UInt16, v); }
  static GGUFValue i16(int16_t v) {
    return scalar(GGUFValueType::Int16, static_cast<uint16_t>(v));
  }
  static GGUFValue u32(uint32_t v) { return scalar(GGUFValueType::UInt32, v); }
  static GGUFValue i32(int32_t v) {
    return scalar(GGUFValueType::Int32, static_cast<uint32_t>(v));
  }
  static GGUFValue u64(uint64_t v) { return scalar(GGUFValueType::UInt64, v); }
  static GGUFValue i64(int64_t v) {
    return scalar(GGUFValueType::Int64, static_cast<uint64_t>(v));
  }
  static GGUFValue f32(float v);
  static GGUFValue f64(double v);
  static GGUFValue boolean(bool v) { return scalar(GGUFValueType::Bool, v); }
  static GGUFValue string(std::string v);
  /// A scalar of `type` from its raw little-endian bits (zero-extended).
  static GGUFValue scalar(GGUFValueType type, uint64_t bits);

  /// An array of scalars of `elementType` given as `count` raw
  /// little-endian elements (`raw.size() == count * ggufScalarBytes`).
  static GGUFValue scalarArray(GGUFValueType elementType,
                               std::vector<uint8_t> raw);
  static GGUFValue stringArray(std::vector<std::string> strings);
  /// An array of arrays (every element must be an Array).
  static GGUFValue arrayArray(std::vector<GGUFValue> arrays);
  /// Convenience: an array of T (an arithmetic type matching `elementType`).
  template <typename T>
  static GGUFValue arrayOf(GGUFValueType elementType,
                           const std::vector<T> &values);

  GGUFValueType type() const { return type_; }
  /// For arrays, the element type.
  GGUFValueType elementType() const { return elementType_; }
  bool isArray() const { return type_ == GGUFValueType::Array; }

  /// Raw bits of a scalar (zero-extended little-endian value).
  uint64_t bits() const { return bits_; }
  /// The value of an integer or bool scalar, if it fits.
  std::optional<uint64_t> asUInt64() const;
  std::optional<int64_t> asInt64() const;
  /// The value of any numeric scalar as a double.
  std::optional<double> asDouble() const;
  /// The string; empty for non-strings.
  const std::string &str() const { return str_; }

  /// Number of elements of an array.
  uint64_t size() const;
  /// Raw element bytes of a scalar array.
  const std::vector<uint8_t> &raw() const { return raw_; }
  /// Element `i` of a scalar array, as a scalar value.
  GGUFValue scalarAt(uint64_t i) const;
  const std::vector<std::string> &strings() const { return strings_; }
  const std::vector<GGUFValue> &arrays() const { return arrays_; }

  bool operator==(const GGUFValue &other) const;
  bool operator!=(const GGUFValue &other) const { return !(*this == other); }

private:
  GGUFValueType type_ = GGUFValueType::UInt8;
  GGUFValueType elementType_ = GGUFValueType::UInt8;
  uint64_t bits_ = 0;
  std::string str_;
  std::vector<uint8_t> raw_;
  std::vector<std::string> strings_;
  std::vector<GGUFValue> arrays_;
};

template <typename T>
GGUFValue GGUFValue::arrayOf(GGUFValueType elementType,
                             const std::vector<T> &values) {
  size_t width = ggufScalarBytes(elementType);
  std::vector<uint8_t> raw;
  raw.reserve(values.size() * width);
  for (const T &v : values) {
    uint64_t bits = 0;
    if constexpr (std::is_same_v<T, float>)
      bits = f32(v).bits();
    else if constexpr (std::is_same_v<T, double>)
      bits = f64(v).bits();
    else
      bits = static_cast<uint64_t>(v);
    for (size_t b = 0; b < width; ++b)
      raw.push_back(static_cast<uint8_t>(bits >> (8 * b)));
  }
  return scalarArray(elementType, std::move(raw));
}

} // namespace quant4::format

#endif // QUANT4_FORMAT_GGUFVALUE_H
