//===- Codec.cpp - Generic quantize / dequantize entry points -------------===//

#include "Format/Codec.h"

#include "Format/FastDequant.h"
#include "Format/GgmlBlocks.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"

#include <cstring>
#include <vector>

namespace quant4::format {

namespace {

/// The planes of `spec` for `n` values, as pointers into `storage`.
template <typename Byte> struct Planes {
  int64_t numBlocks = 0;
  int64_t totalBytes = 0;
  Byte *plane[4] = {};
};

template <typename Byte>
Status locatePlanes(const FormatSpec &spec, int64_t n, Byte *storage,
                    Planes<Byte> &planes) {
  if (Status s = validate(spec); !s)
    return s;
  BlockLayout layout = layoutOf(spec);
  std::optional<int64_t> numBlocks = layout.numBlocks(n);
  if (!numBlocks)
    return Status::error(describe(spec) + ": " + std::to_string(n) +
                         " values are not a whole number of " +
                         std::to_string(layout.blockSize) + "-value blocks");
  planes.numBlocks = *numBlocks;
  for (size_t p = 0; p < layout.planes.size(); ++p) {
    std::optional<int64_t> offset = layout.planeOffset(p, *numBlocks);
    if (!offset)
      return Status::error(describe(spec) + ": storage size overflows");
    if (storage) // No pointer arithmetic on null (storageBytes).
      planes.plane[p] = storage + *offset;
  }
  std::optional<int64_t> total = layout.storageBytes(*numBlocks);
  if (!total)
    return Status::error(describe(spec) + ": storage size overflows");
  planes.totalBytes = *total;
  return Status::success();
}

} // namespace

FormatSpec FormatSpec::nf4(int64_t blockSize, bool doubleQuant) {
  FormatSpec spec{FormatKind::NF4};
  spec.nf4BlockSize = blockSize;
  spec.nf4DoubleQuant = doubleQuant;
  return spec;
}

FormatSpec FormatSpec::mxfp4(MXFP4Layout layout, MXFP4Rule rule) {
  FormatSpec spec{FormatKind::MXFP4};
  spec.mxfp4Layout = layout;
  spec.mxfp4Rule = rule;
  return spec;
}

std::string describe(const FormatSpec &spec) {
  switch (spec.kind) {
  case FormatKind::Q4_K:
    return "q4_k";
  case FormatKind::Q4_0:
    return "q4_0";
  case FormatKind::Q8_0:
    return "q8_0";
  case FormatKind::NF4:
    return "nf4(block=" + std::to_string(spec.nf4BlockSize) +
           (spec.nf4DoubleQuant ? ", double_quant)" : ")");
  case FormatKind::MXFP4:
    return std::string("mxfp4(layout=") +
           (spec.mxfp4Layout == MXFP4Layout::GGML ? "ggml" : "hf") + ")";
  }
  return "unknown";
}

Status validate(const FormatSpec &spec) {
  if (spec.kind == FormatKind::NF4 && !isValidNF4BlockSize(spec.nf4BlockSize))
    return Status::error("NF4 block size " + std::to_string(spec.nf4BlockSize) +
                         " is not a power of two in [32, 4096]");
  return Status::success();
}

BlockLayout layoutOf(const FormatSpec &spec) {
  switch (spec.kind) {
  case FormatKind::Q4_K:
    return q4kLayout();
  case FormatKind::NF4:
    return nf4Layout(spec.nf4BlockSize, spec.nf4DoubleQuant);
  case FormatKind::MXFP4:
    return mxfp4Layout(spec.mxfp4Layout);
  case FormatKind::Q4_0:
    return q4_0Layout();
  case FormatKind::Q8_0:
    return q8_0Layout();
  }
  return {};
}

Status storageBytes(const FormatSpec &spec, int64_t n, int64_t &bytes) {
  Planes<uint8_t> planes;
  if (Status s = locatePlanes<uint8_t>(spec, n, nullptr, planes); !s)
    return s;
  bytes = planes.totalBytes;
  return Status::success();
}

Status quantize(const FormatSpec &spec, const float *x, int64_t n,
                uint8_t *storage) {
  Planes<uint8_t> p;
  if (Status s = locatePlanes(spec, n, storage, p); !s)
    return s;
  switch (spec.kind) {
  case FormatKind::Q4_K:
    quantizeQ4K(x, n, p.plane[0]);
    break;
  case FormatKind::Q4_0:
    quantizeQ4_0(x, n, p.plane[0]);
    break;
  case FormatKind::Q8_0:
    quantizeQ8_0(x, n, p.plane[0]);
    break;
  case FormatKind::MXFP4:
    quantizeMXFP4(x, n, spec.mxfp4Rule, spec.mxfp4Layout, p.plane[0],
                  p.plane[1]);
    break;
  case FormatKind::NF4: {
    std::vector<float> absmax(p.numBlocks);
    if (Status s =
            quantizeNF4(x, n, spec.nf4BlockSize, p.plane[0], absmax.data());
        !s)
      return s;
    if (!spec.nf4DoubleQuant) {
      std::memcpy(p.plane[1], absmax.data(), absmax.size() * sizeof(float));
      break;
    }
    NF4NestedAbsmax nested = compressAbsmax(absmax.data(), p.numBlocks);
    std::memcpy(p.plane[1], nested.qabsmax.data(), nested.qabsmax.size());
    std::memcpy(p.plane[2], nested.absmax2.data(),
                nested.absmax2.size() * sizeof(float));
    std::memcpy(p.plane[3], &nested.offset, sizeof(float));
    break;
  }
  }
  return Status::success();
}

Status dequantize(const FormatSpec &spec, const uint8_t *storage, int64_t n,
                  float *y) {
  Planes<const uint8_t> p;
  if (Status s = locatePlanes(spec, n, storage, p); !s)
    return s;
  switch (spec.kind) {
  case FormatKind::Q4_K:
    fastDequantizeQ4K(p.plane[0], n, y);
    break;
  case FormatKind::Q4_0:
    dequantizeQ4_0(p.plane[0], n, y);
    break;
  case FormatKind::Q8_0:
    dequantizeQ8_0(p.plane[0], n, y);
    break;
  case FormatKind::MXFP4:
    fastDequantizeMXFP4(p.plane[0], p.plane[1], n, spec.mxfp4Layout, y);
    break;
  case FormatKind::NF4: {
    std::vector<float> absmax(p.numBlocks);
    if (spec.nf4DoubleQuant) {
      float offset;
      std::memcpy(&offset, p.plane[3], sizeof(float));
      std::vector<float> absmax2(
          layoutOf(spec).planeBytes(2, p.numBlocks).value_or(0) /
          sizeof(float));
      std::memcpy(absmax2.data(), p.plane[2], absmax2.size() * sizeof(float));
      decompressAbsmax(p.plane[1], absmax2.data(), offset, p.numBlocks,
                       absmax.data());
    } else {
      std::memcpy(absmax.data(), p.plane[1], absmax.size() * sizeof(float));
    }
    return fastDequantizeNF4(p.plane[0], absmax.data(), n, spec.nf4BlockSize,
                             y);
  }
  }
  return Status::success();
}

} // namespace quant4::format
