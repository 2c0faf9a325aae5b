//===- Layout.cpp - Storage layout of blocked 4-bit formats ---------------===//

#include "Format/Layout.h"

namespace quant4::format {

namespace {
std::optional<int64_t> mulChecked(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}
std::optional<int64_t> addChecked(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}
} // namespace

std::optional<int64_t> BlockLayout::planeBytes(size_t p, int64_t numBlocks) const {
  if (numBlocks < 0 || p >= planes.size())
    return std::nullopt;
  const Plane &plane = planes[p];
  int64_t groups = 1;
  if (plane.blocksPerGroup > 0)
    groups = numBlocks / plane.blocksPerGroup +
             (numBlocks % plane.blocksPerGroup != 0 ? 1 : 0);
  return mulChecked(groups, plane.bytesPerGroup);
}

std::optional<int64_t> BlockLayout::planeOffset(size_t p,
                                                int64_t numBlocks) const {
  int64_t offset = 0;
  for (size_t i = 0; i < p; ++i) {
    std::optional<int64_t> bytes = planeBytes(i, numBlocks);
    if (!bytes)
      return std::nullopt;
    std::optional<int64_t> next = addChecked(offset, *bytes);
    if (!next)
      return std::nullopt;
    offset = *next;
  }
  return offset;
}

std::optional<int64_t> BlockLayout::storageBytes(int64_t numBlocks) const {
  if (numBlocks < 0)
    return std::nullopt;
  return planeOffset(planes.size(), numBlocks);
}

std::optional<int64_t> BlockLayout::numBlocks(int64_t numElements) const {
  if (numElements < 0 || blockSize <= 0 || numElements % blockSize != 0)
    return std::nullopt;
  return numElements / blockSize;
}

BlockLayout q4kLayout() { return {kQK_K, {{"blocks", kQ4KBlockBytes, 1}}}; }

BlockLayout nf4Layout(int64_t blockSize, bool doubleQuant) {
  BlockLayout layout{blockSize, {{"codes", blockSize / 2, 1}}};
  if (!doubleQuant) {
    layout.planes.push_back({"absmax", 4, 1});
    return layout;
  }
  layout.planes.push_back({"qabsmax", 1, 1});
  layout.planes.push_back({"absmax2", 4, kNF4NestedBlock});
  layout.planes.push_back({"offset", 4, 0});
  return layout;
}

BlockLayout mxfp4Layout(MXFP4Layout layout) {
  if (layout == MXFP4Layout::GGML)
    return {kMXFP4Block, {{"blocks", 17, 1}}};
  return {kMXFP4Block, {{"blocks", 16, 1}, {"scales", 1, 1}}};
}

BlockLayout q4_0Layout() { return {32, {{"blocks", 18, 1}}}; }
BlockLayout q8_0Layout() { return {32, {{"blocks", 34, 1}}}; }

std::string_view formatKindName(FormatKind kind) {
  switch (kind) {
  case FormatKind::Q4_K:
    return "q4_k";
  case FormatKind::NF4:
    return "nf4";
  case FormatKind::MXFP4:
    return "mxfp4";
  case FormatKind::Q4_0:
    return "q4_0";
  case FormatKind::Q8_0:
    return "q8_0";
  }
  return "unknown";
}

bool isValidNF4BlockSize(int64_t blockSize) {
  return blockSize >= 32 && blockSize <= 4096 &&
         (blockSize & (blockSize - 1)) == 0;
}

} // namespace quant4::format
