//===- JSON.h - A small strict JSON parser and writer helpers ---*- C++ -*-===//
//
// RFC 8259 JSON for untrusted input (safetensors headers, bitsandbytes quant
// states): no comments, no trailing commas, no leading zeros, no NaN, valid
// UTF-8 only, unpaired surrogates rejected, duplicate object keys rejected.
// Nesting depth and the number of values are bounded.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_JSON_H
#define QUANT4_FORMAT_JSON_H

#include "Format/Expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quant4::format {

class JSONValue {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  bool boolean() const { return boolean_; }
  /// The decoded string, or for numbers the number's literal text.
  const std::string &text() const { return text_; }
  /// A number that is a non-negative integer literal fitting in uint64.
  std::optional<uint64_t> asUInt64() const;
  /// A number that is an integer literal fitting in int64.
  std::optional<int64_t> asInt64() const;
  /// Any number, as the nearest double.
  std::optional<double> asDouble() const;

  const std::vector<JSONValue> &items() const { return items_; }
  /// Members in document order.
  const std::vector<std::pair<std::string, JSONValue>> &members() const {
    return members_;
  }
  /// The member named `key` of an object, or null.
  const JSONValue *find(std::string_view key) const;

private:
  Kind kind_ = Kind::Null;
  bool boolean_ = false;
  std::string text_;
  std::vector<JSONValue> items_;
  std::vector<std::pair<std::string, JSONValue>> members_;

  friend class JSONParser;
};

struct JSONLimits {
  unsigned maxDepth = 64;
  /// Most values (of any kind) in one document.
  uint64_t maxValues = 1u << 22;
};

/// Parses one JSON document (surrounding whitespace allowed).
Expected<JSONValue> parseJSON(std::string_view text, JSONLimits limits = {});

/// Appends `s` as a JSON string literal (quoted, escaped).
void appendJSONString(std::string &out, std::string_view s);

/// True if `s` is valid UTF-8 (no overlongs, no surrogates).
bool isValidUTF8(std::string_view s);

} // namespace quant4::format

#endif // QUANT4_FORMAT_JSON_H
