//===- ByteBuffer.h - Read-only bytes of a model file -----------*- C++ -*-===//
//
// A ByteBuffer owns (or borrows) the bytes a model file reader looks at: a
// read-only memory mapping of a file, a heap copy, or caller memory. Readers
// keep a shared_ptr to it, so every tensor view (a ByteSpan into the buffer)
// stays valid as long as the parsed file object lives. Nothing is copied.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_BYTEBUFFER_H
#define QUANT4_FORMAT_BYTEBUFFER_H

#include "Format/Expected.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace quant4::format {

/// A pointer and a length; does not own the bytes.
struct ByteSpan {
  const uint8_t *data = nullptr;
  size_t size = 0;

  const uint8_t *begin() const { return data; }
  const uint8_t *end() const { return data + size; }
};

/// Read-only bytes with a stable address.
class ByteBuffer {
public:
  virtual ~ByteBuffer();
  ByteSpan bytes() const { return {data_, size_}; }
  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

  /// Maps `path` read-only (an empty file gives an empty buffer).
  static Expected<std::shared_ptr<const ByteBuffer>>
  mapFile(const std::string &path);
  /// Takes ownership of `bytes`.
  static std::shared_ptr<const ByteBuffer>
  fromVector(std::vector<uint8_t> bytes);
  /// Borrows caller memory, which must outlive every user of the buffer.
  static std::shared_ptr<const ByteBuffer> borrow(const uint8_t *data,
                                                  size_t size);

protected:
  ByteBuffer(const uint8_t *data, size_t size) : data_(data), size_(size) {}

private:
  const uint8_t *data_;
  size_t size_;
};

/// Writes `bytes` to `path` (created or truncated).
Status writeFile(const std::string &path, ByteSpan bytes);

/// Streams bytes to a new file; the first failure is kept and reported by
/// close(), later appends are ignored.
class FileWriter {
public:
  explicit FileWriter(const std::string &path);
  ~FileWriter();
  FileWriter(const FileWriter &) = delete;
  FileWriter &operator=(const FileWriter &) = delete;

  void append(ByteSpan bytes);
  /// Closes the file; the first error of open, append or close.
  Status close();

private:
  std::string path_;
  int fd_ = -1;
  Status status_;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_BYTEBUFFER_H
