//===- ByteCursor.h - Bounds-checked little-endian reading ------*- C++ -*-===//
//
// A read position inside a ByteSpan. Every read checks the remaining length
// first; a failed read leaves the cursor where it was and returns nullopt.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_BYTECURSOR_H
#define QUANT4_FORMAT_BYTECURSOR_H

#include "Format/ByteBuffer.h"

#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace quant4::format {

class ByteCursor {
public:
  explicit ByteCursor(ByteSpan span) : span_(span) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return span_.size - offset_; }

  /// Reads an unsigned little-endian integer of sizeof(T) bytes.
  template <typename T> std::optional<T> readLE() {
    if (remaining() < sizeof(T))
      return std::nullopt;
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      value |= static_cast<T>(span_.data[offset_ + i]) << (8 * i);
    offset_ += sizeof(T);
    return value;
  }

  /// Returns the next `n` bytes as a view and advances past them.
  std::optional<ByteSpan> readBytes(uint64_t n) {
    if (n > remaining())
      return std::nullopt;
    ByteSpan out{span_.data + offset_, static_cast<size_t>(n)};
    offset_ += static_cast<size_t>(n);
    return out;
  }

  std::optional<std::string_view> readString(uint64_t n) {
    std::optional<ByteSpan> bytes = readBytes(n);
    if (!bytes)
      return std::nullopt;
    return std::string_view(reinterpret_cast<const char *>(bytes->data),
                            bytes->size);
  }

private:
  ByteSpan span_;
  size_t offset_ = 0;
};

/// Appends `value` as sizeof(T) little-endian bytes.
template <typename T> void appendLE(std::vector<uint8_t> &out, T value) {
  using U = std::make_unsigned_t<T>;
  U bits = static_cast<U>(value);
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

} // namespace quant4::format

#endif // QUANT4_FORMAT_BYTECURSOR_H
