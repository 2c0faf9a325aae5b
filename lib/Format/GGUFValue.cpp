//===- GGUFValue.cpp - GGUF metadata values -------------------------------===//

#include "Format/GGUFValue.h"

#include <cstring>

namespace quant4::format {

bool isGGUFValueType(uint32_t id) { return id <= 12; }

size_t ggufScalarBytes(GGUFValueType type) {
  switch (type) {
  case GGUFValueType::UInt8:
  case GGUFValueType::Int8:
  case GGUFValueType::Bool:
    return 1;
  case GGUFValueType::UInt16:
  case GGUFValueType::Int16:
    return 2;
  case GGUFValueType::UInt32:
  case GGUFValueType::Int32:
  case GGUFValueType::Float32:
    return 4;
  case GGUFValueType::UInt64:
  case GGUFValueType::Int64:
  case GGUFValueType::Float64:
    return 8;
  case GGUFValueType::String:
  case GGUFValueType::Array:
    return 0;
  }
  return 0;
}

std::string_view ggufValueTypeName(GGUFValueType type) {
  static constexpr std::string_view kNames[] = {
      "u8",   "i8",  "u16", "i16", "u32", "i32", "f32",
      "bool", "str", "arr", "u64", "i64", "f64"};
  uint32_t id = static_cast<uint32_t>(type);
  return id <= 12 ? kNames[id] : std::string_view("?");
}

GGUFValue GGUFValue::scalar(GGUFValueType type, uint64_t bits) {
  GGUFValue v;
  v.type_ = type;
  size_t width = ggufScalarBytes(type);
  v.bits_ = width == 8 ? bits : bits & ((uint64_t(1) << (8 * width)) - 1);
  return v;
}

GGUFValue GGUFValue::f32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return scalar(GGUFValueType::Float32, bits);
}

GGUFValue GGUFValue::f64(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return scalar(GGUFValueType::Float64, bits);
}

GGUFValue GGUFValue::string(std::string value) {
  GGUFValue v;
  v.type_ = GGUFValueType::String;
  v.str_ = std::move(value);
  return v;
}

GGUFValue GGUFValue::scalarArray(GGUFValueType elementType,
                                 std::vector<uint8_t> raw) {
  GGUFValue v;
  v.type_ = GGUFValueType::Array;
  v.elementType_ = elementType;
  v.raw_ = std::move(raw);
  return v;
}

GGUFValue GGUFValue::stringArray(std::vector<std::string> strings) {
  GGUFValue v;
  v.type_ = GGUFValueType::Array;
  v.elementType_ = GGUFValueType::String;
  v.strings_ = std::move(strings);
  return v;
}

GGUFValue GGUFValue::arrayArray(std::vector<GGUFValue> arrays) {
  GGUFValue v;
  v.type_ = GGUFValueType::Array;
  v.elementType_ = GGUFValueType::Array;
  v.arrays_ = std::move(arrays);
  return v;
}

std::optional<uint64_t> GGUFValue::asUInt64() const {
  switch (type_) {
  case GGUFValueType::UInt8:
  case GGUFValueType::UInt16:
  case GGUFValueType::UInt32:
  case GGUFValueType::UInt64:
  case GGUFValueType::Bool:
    return bits_;
  case GGUFValueType::Int8:
  case GGUFValueType::Int16:
  case GGUFValueType::Int32:
  case GGUFValueType::Int64: {
    std::optional<int64_t> s = asInt64();
    if (s && *s >= 0)
      return static_cast<uint64_t>(*s);
    return std::nullopt;
  }
  default:
    return std::nullopt;
  }
}

std::optional<int64_t> GGUFValue::asInt64() const {
  switch (type_) {
  case GGUFValueType::Int8:
    return static_cast<int8_t>(bits_);
  case GGUFValueType::Int16:
    return static_cast<int16_t>(bits_);
  case GGUFValueType::Int32:
    return static_cast<int32_t>(bits_);
  case GGUFValueType::Int64:
    return static_cast<int64_t>(bits_);
  case GGUFValueType::UInt8:
  case GGUFValueType::UInt16:
  case GGUFValueType::UInt32:
  case GGUFValueType::Bool:
    return static_cast<int64_t>(bits_);
  case GGUFValueType::UInt64:
    if (bits_ <= static_cast<uint64_t>(INT64_MAX))
      return static_cast<int64_t>(bits_);
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

std::optional<double> GGUFValue::asDouble() const {
  if (type_ == GGUFValueType::Float32) {
    uint32_t b = static_cast<uint32_t>(bits_);
    float f;
    std::memcpy(&f, &b, sizeof(f));
    return f;
  }
  if (type_ == GGUFValueType::Float64) {
    double d;
    std::memcpy(&d, &bits_, sizeof(d));
    return d;
  }
  if (type_ == GGUFValueType::UInt64)
    return static_cast<double>(bits_);
  if (std::optional<int64_t> i = asInt64())
    return static_cast<double>(*i);
  return std::nullopt;
}

uint64_t GGUFValue::size() const {
  if (!isArray())
    return 0;
  switch (elementType_) {
  case GGUFValueType::String:
    return strings_.size();
  case GGUFValueType::Array:
    return arrays_.size();
  default:
    return raw_.size() / ggufScalarBytes(elementType_);
  }
}

GGUFValue GGUFValue::scalarAt(uint64_t i) const {
  size_t width = ggufScalarBytes(elementType_);
  uint64_t bits = 0;
  for (size_t b = 0; b < width; ++b)
    bits |= static_cast<uint64_t>(raw_[i * width + b]) << (8 * b);
  return scalar(elementType_, bits);
}

bool GGUFValue::operator==(const GGUFValue &other) const {
  if (type_ != other.type_)
    return false;
  if (!isArray())
    return bits_ == other.bits_ && str_ == other.str_;
  return elementType_ == other.elementType_ && raw_ == other.raw_ &&
         strings_ == other.strings_ && arrays_ == other.arrays_;
}

} // namespace quant4::format
