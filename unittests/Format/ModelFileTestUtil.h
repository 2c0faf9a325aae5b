//===- ModelFileTestUtil.h - Helpers for the model file tests ---*- C++ -*-===//
#ifndef QUANT4_UNITTESTS_FORMAT_MODELFILETESTUTIL_H
#define QUANT4_UNITTESTS_FORMAT_MODELFILETESTUTIL_H

#include "Format/ByteBuffer.h"
#include "Format/ByteCursor.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace quant4::format::test {

/// A buffer owning a copy of `bytes`.
inline std::shared_ptr<const ByteBuffer> bufferOf(std::vector<uint8_t> bytes) {
  return ByteBuffer::fromVector(std::move(bytes));
}

/// Appends a GGUF string (u64 length + bytes).
inline void putString(std::vector<uint8_t> &out, const std::string &s) {
  appendLE<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

/// Overwrites sizeof(T) bytes at `offset` with `value` (little-endian).
template <typename T>
void patchLE(std::vector<uint8_t> &bytes, size_t offset, T value) {
  std::vector<uint8_t> le;
  appendLE<T>(le, value);
  std::memcpy(bytes.data() + offset, le.data(), le.size());
}

/// Bytes 0, 1, 2, ... of length n.
inline std::vector<uint8_t> iota(size_t n, uint8_t start = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(start + i);
  return v;
}

/// The bytes of golden file `relative` ("nf4/x.u8"); a test failure when
/// it cannot be read.
inline std::vector<uint8_t> goldenFile(const std::string &relative) {
  std::string path = std::string(QUANT4_GOLDEN_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// A path for a scratch file in the test's temp dir.
inline std::string tempPath(const std::string &name) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/quant4-" +
         std::to_string(::getpid()) + "-" + name;
}

} // namespace quant4::format::test

#endif // QUANT4_UNITTESTS_FORMAT_MODELFILETESTUTIL_H
