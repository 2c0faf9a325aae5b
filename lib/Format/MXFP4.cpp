//===- MXFP4.cpp - OCP MXFP4 blocks ---------------------------------------===//

#include "Format/MXFP4.h"

#include "Format/Float16.h"

#include <algorithm>
#include <cmath>

namespace quant4::format {

namespace {

constexpr int kHalf = kMXFP4Block / 2;

float blockAmax(const float *x) {
  float amax = 0.0f;
  for (int j = 0; j < kMXFP4Block; ++j)
    if (amax < std::fabs(x[j]))
      amax = std::fabs(x[j]);
  return amax;
}

/// ggml: the first code (in code order) with the least |value * d - x|, with
/// the doubled values and the halved scale ggml uses.
uint8_t ggmlCode(float x, float halfScale) {
  static const int8_t doubled[16] = {0, 1,  2,  3,  4,  6,  8,  12,
                                     0, -1, -2, -3, -4, -6, -8, -12};
  int best = 0;
  float bestErr = std::fabs(doubled[0] * halfScale - x);
  for (int i = 1; i < 16; ++i) {
    float err = std::fabs(doubled[i] * halfScale - x);
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return uint8_t(best);
}

MXFP4Block quantizeGGML(const float *x) {
  MXFP4Block block;
  float amax = blockAmax(x);
  if (amax > 0.0f) {
    // ggml casts the float straight to uint8_t; below 2^-125 that cast is
    // out of range in C, and we clamp to the smallest scale instead.
    float e = std::floor(std::log2(amax)) - 2 + 127;
    block.scale = uint8_t(std::clamp(e, 0.0f, 255.0f));
  }
  // ggml's GGML_E8M0_TO_FP32_HALF: 2^(e-128).
  float halfScale = block.scale < 2
                        ? floatFromBits(0x00200000u << block.scale)
                        : floatFromBits(uint32_t(block.scale - 1) << 23);
  for (int j = 0; j < kMXFP4Block; ++j)
    block.codes[j] = ggmlCode(x[j], halfScale);
  return block;
}

/// The OCP shared-exponent byte: floor(log2(amax)) - 2 + 127 computed
/// exactly, clamped to [0, 254]; 0 for amax == 0.
uint8_t ocpScaleByte(float amax) {
  if (!(amax > 0.0f))
    return 0;
  int e = std::ilogb(amax) - 2 + 127;
  return uint8_t(std::clamp(e, 0, 254));
}

/// E2M1 code of v (already divided by the scale): round to nearest, ties to
/// the even code, saturate at 6, keep the sign (so -0 is code 8).
uint8_t e2m1CodeRne(float v) {
  float m = std::fabs(v);
  uint8_t code;
  if (!(m > 0.25f))
    code = 0;
  else if (m < 0.75f)
    code = 1;
  else if (m <= 1.25f)
    code = 2;
  else if (m < 1.75f)
    code = 3;
  else if (m <= 2.5f)
    code = 4;
  else if (m < 3.5f)
    code = 5;
  else if (m <= 5.0f)
    code = 6;
  else
    code = 7;
  return std::signbit(v) ? uint8_t(code | 8) : code;
}

MXFP4Block quantizeWithScale(const float *x, uint8_t scaleByte) {
  MXFP4Block block;
  block.scale = scaleByte;
  float scale = e8m0ToFloat(scaleByte);
  for (int j = 0; j < kMXFP4Block; ++j)
    block.codes[j] = e2m1CodeRne(x[j] / scale);
  return block;
}

MXFP4Block quantizeOptimal(const float *x) {
  uint8_t s0 = ocpScaleByte(blockAmax(x));
  MXFP4Block best = quantizeWithScale(x, s0);
  if (s0 >= 254)
    return best;
  MXFP4Block doubled = quantizeWithScale(x, uint8_t(s0 + 1));
  return mxfp4BlockSSE(x, doubled) < mxfp4BlockSSE(x, best) ? doubled : best;
}

/// Nibble position of element j inside a 16-byte block: byte index and
/// whether it is the high nibble.
struct NibbleSlot {
  int byte;
  bool high;
};
NibbleSlot slotOf(int j, MXFP4Layout layout) {
  if (layout == MXFP4Layout::GGML)
    return {j % kHalf, j >= kHalf};
  return {j / 2, (j & 1) != 0};
}

} // namespace

std::optional<MXFP4Rule> parseMXFP4Rule(std::string_view name) {
  if (name == "ggml")
    return MXFP4Rule::GGML;
  if (name == "ocp")
    return MXFP4Rule::OCP;
  if (name == "optimal")
    return MXFP4Rule::Optimal;
  return std::nullopt;
}

std::optional<MXFP4Layout> parseMXFP4Layout(std::string_view name) {
  if (name == "ggml")
    return MXFP4Layout::GGML;
  if (name == "hf")
    return MXFP4Layout::HF;
  return std::nullopt;
}

const std::array<float, 16> &e2m1Values() {
  static const std::array<float, 16> values = {
      0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
      -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
  return values;
}

MXFP4Block quantizeMXFP4Block(const float *x, MXFP4Rule rule) {
  switch (rule) {
  case MXFP4Rule::GGML:
    return quantizeGGML(x);
  case MXFP4Rule::OCP:
    return quantizeWithScale(x, ocpScaleByte(blockAmax(x)));
  case MXFP4Rule::Optimal:
    return quantizeOptimal(x);
  }
  return {};
}

double mxfp4BlockSSE(const float *x, const MXFP4Block &block) {
  double scale = e8m0ToFloat(block.scale);
  double sse = 0;
  for (int j = 0; j < kMXFP4Block; ++j) {
    double diff = double(e2m1Values()[block.codes[j]]) * scale - x[j];
    sse += diff * diff;
  }
  return sse;
}

/// Block `b` of storage in `layout` (blocks, and scales for hf).
static MXFP4Block readBlock(const uint8_t *blocks, const uint8_t *scales,
                            int64_t b, MXFP4Layout layout) {
  const bool ggml = layout == MXFP4Layout::GGML;
  const uint8_t *qs = blocks + b * (ggml ? 17 : 16);
  MXFP4Block block;
  block.scale = ggml ? *qs++ : scales[b];
  for (int j = 0; j < kMXFP4Block; ++j) {
    NibbleSlot slot = slotOf(j, layout);
    block.codes[j] = slot.high ? qs[slot.byte] >> 4 : qs[slot.byte] & 0xF;
  }
  return block;
}

/// Stores `block` as block `b` of storage in `layout`.
static void writeBlock(const MXFP4Block &block, int64_t b, MXFP4Layout layout,
                       uint8_t *blocks, uint8_t *scales) {
  const bool ggml = layout == MXFP4Layout::GGML;
  uint8_t *qs = blocks + b * (ggml ? 17 : 16);
  if (ggml)
    *qs++ = block.scale;
  else
    scales[b] = block.scale;
  std::fill(qs, qs + kHalf, 0);
  for (int j = 0; j < kMXFP4Block; ++j) {
    NibbleSlot slot = slotOf(j, layout);
    qs[slot.byte] |= uint8_t(block.codes[j] << (slot.high ? 4 : 0));
  }
}

void quantizeMXFP4(const float *x, int64_t n, MXFP4Rule rule,
                   MXFP4Layout layout, uint8_t *blocks, uint8_t *scales) {
  for (int64_t b = 0; b < n / kMXFP4Block; ++b)
    writeBlock(quantizeMXFP4Block(x + b * kMXFP4Block, rule), b, layout, blocks,
               scales);
}

void dequantizeMXFP4(const uint8_t *blocks, const uint8_t *scales, int64_t n,
                     MXFP4Layout layout, float *y) {
  const std::array<float, 16> &values = e2m1Values();
  for (int64_t b = 0; b < n / kMXFP4Block; ++b, y += kMXFP4Block) {
    MXFP4Block block = readBlock(blocks, scales, b, layout);
    float scale = e8m0ToFloat(block.scale);
    for (int j = 0; j < kMXFP4Block; ++j)
      y[j] = values[block.codes[j]] * scale;
  }
}

void repackMXFP4(const uint8_t *blocks, const uint8_t *scales, int64_t n,
                 MXFP4Layout from, uint8_t *outBlocks, uint8_t *outScales,
                 MXFP4Layout to) {
  for (int64_t b = 0; b < n / kMXFP4Block; ++b)
    writeBlock(readBlock(blocks, scales, b, from), b, to, outBlocks, outScales);
}

} // namespace quant4::format
