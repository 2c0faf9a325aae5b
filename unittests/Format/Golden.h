//===- Golden.h - Access to the golden vectors of ggml/bitsandbytes -*- C++
//-*-===//
//
// The cases of a golden MANIFEST.txt and typed readers for its files. A
// missing or mis-sized file fails the calling test (never skips it).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_UNITTESTS_FORMAT_GOLDEN_H
#define QUANT4_UNITTESTS_FORMAT_GOLDEN_H

#include <cstdint>
#include <string>
#include <vector>

namespace quant4::golden {

/// One "case" of a MANIFEST.txt.
struct Case {
  std::string name;
  int64_t rows = 0, cols = 0;
  int64_t blockSize = 0; ///< NF4 "blocksize:", else 0.
  bool nested = false;   ///< NF4: has .nested.* files.
  int64_t numel() const { return rows * cols; }
};

/// "$QUANT4_GOLDEN_DIR/<format>/<file>".
std::string path(const std::string &dir, const std::string &file);
/// Cases of <format>/MANIFEST.txt (format = q4k, nf4 or mxfp4) that have a
/// shape. Adds a test failure when the manifest cannot be read or is empty.
std::vector<Case> cases(const std::string &dir);

/// Reads a whole golden file; adds a test failure (and returns empty) when it
/// is missing or when expectedBytes >= 0 differs from its size.
std::vector<uint8_t> bytes(const std::string &dir, const std::string &file,
                           int64_t expectedBytes = -1);
std::vector<float> floats(const std::string &dir, const std::string &file,
                          int64_t count);

/// Float bit patterns, so that EXPECT_EQ compares bits (-0 vs +0, NaN).
std::vector<uint32_t> bitsOf(const std::vector<float> &values);

/// Index of the first difference of two equally long byte/bit vectors, or -1.
template <typename T>
int64_t firstDifference(const std::vector<T> &a, const std::vector<T> &b) {
  if (a.size() != b.size())
    return 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return int64_t(i);
  return -1;
}

} // namespace quant4::golden

#endif // QUANT4_UNITTESTS_FORMAT_GOLDEN_H
