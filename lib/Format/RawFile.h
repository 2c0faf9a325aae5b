//===- RawFile.h - Raw little-endian files and shapes -----------*- C++ -*-===//
//
// Helpers for tools and tests that exchange headerless little-endian files:
// whole-file reads with an exact size check, writes, and "R,C" shapes.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_RAWFILE_H
#define QUANT4_FORMAT_RAWFILE_H

#include "Format/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quant4::format {

/// Reads all of `path` into `bytes`. With expectedBytes >= 0, a file of any
/// other size is an error that names both sizes.
Status readRawFile(const std::string &path, std::vector<uint8_t> &bytes,
                   int64_t expectedBytes = -1);
/// Reads exactly `count` float32 values from `path`.
Status readFloatFile(const std::string &path, int64_t count,
                     std::vector<float> &values);
/// Writes `size` bytes to `path` (replacing it).
Status writeRawFile(const std::string &path, const void *data, int64_t size);

/// Parses a shape such as "64,4096" (positive dimensions, comma-separated)
/// and returns its dimensions.
Status parseShape(std::string_view text, std::vector<int64_t> &dims);
/// The number of elements of `dims`; an error on overflow.
Status shapeElements(const std::vector<int64_t> &dims, int64_t &count);

} // namespace quant4::format

#endif // QUANT4_FORMAT_RAWFILE_H
