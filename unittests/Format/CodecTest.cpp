//===- CodecTest.cpp - The generic planar-storage API ---------------------===//
//
// quantize / dequantize through FormatSpec must produce exactly the golden
// planes, concatenated in Layout.h's order.
//
//===----------------------------------------------------------------------===//

#include "Golden.h"

#include "Format/Codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace quant4;
using namespace quant4::format;

namespace {

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> all;
  for (const std::vector<uint8_t> &p : parts)
    all.insert(all.end(), p.begin(), p.end());
  return all;
}

/// Quantizes the case's input with `spec` and checks the storage against
/// `expected`; then dequantizes `expected` and checks against `dequant`.
void checkRoundTrip(const FormatSpec &spec, const std::string &dir,
                    const golden::Case &c, const std::vector<uint8_t> &expected,
                    const std::string &dequantFile) {
  SCOPED_TRACE(c.name + " " + describe(spec));
  int64_t n = c.numel(), bytes = 0;
  ASSERT_TRUE(storageBytes(spec, n, bytes));
  ASSERT_EQ(bytes, int64_t(expected.size()));
  std::vector<float> x = golden::floats(dir, c.name + ".input.f32", n);
  std::vector<uint8_t> storage(static_cast<size_t>(bytes));
  ASSERT_TRUE(quantize(spec, x.data(), n, storage.data()));
  EXPECT_EQ(golden::firstDifference(storage, expected), -1);
  std::vector<float> y(static_cast<size_t>(n));
  ASSERT_TRUE(dequantize(spec, expected.data(), n, y.data()));
  EXPECT_EQ(golden::firstDifference(
                golden::bitsOf(y),
                golden::bitsOf(golden::floats(dir, dequantFile, n))),
            -1);
}

TEST(CodecGolden, Q4K) {
  for (const golden::Case &c : golden::cases("q4k"))
    checkRoundTrip(FormatSpec::q4k(), "q4k", c,
                   golden::bytes("q4k", c.name + ".q4k"),
                   c.name + ".dequant.f32");
}

TEST(CodecGolden, NF4PlanesAreCodesThenAbsmax) {
  int checked = 0;
  for (const golden::Case &c : golden::cases("nf4")) {
    if (c.numel() % c.blockSize != 0)
      continue; // Tails need the NF4-specific API.
    ++checked;
    checkRoundTrip(FormatSpec::nf4(c.blockSize), "nf4", c,
                   concat({golden::bytes("nf4", c.name + ".nf4.u8"),
                           golden::bytes("nf4", c.name + ".absmax.f32")}),
                   c.name + ".dequant.f32");
    if (!c.nested)
      continue;
    std::string nested = c.name + ".nested.";
    checkRoundTrip(FormatSpec::nf4(c.blockSize, /*doubleQuant=*/true), "nf4", c,
                   concat({golden::bytes("nf4", c.name + ".nf4.u8"),
                           golden::bytes("nf4", nested + "qabsmax.u8"),
                           golden::bytes("nf4", nested + "absmax2.f32"),
                           golden::bytes("nf4", nested + "offset.f32")}),
                   nested + "dequant.f32");
  }
  EXPECT_EQ(checked, 12);
}

TEST(CodecGolden, MXFP4LayoutsAndRules) {
  for (const golden::Case &c : golden::cases("mxfp4")) {
    checkRoundTrip(FormatSpec::mxfp4(MXFP4Layout::GGML, MXFP4Rule::GGML),
                   "mxfp4", c, golden::bytes("mxfp4", c.name + ".ggml.mxfp4"),
                   c.name + ".ggml.dequant.f32");
    for (auto [tag, rule] : {std::pair{"ggml", MXFP4Rule::GGML},
                             std::pair{"ocp_rne", MXFP4Rule::OCP}}) {
      std::string prefix = c.name + "." + tag;
      checkRoundTrip(FormatSpec::mxfp4(MXFP4Layout::HF, rule), "mxfp4", c,
                     concat({golden::bytes("mxfp4", prefix + ".hf_blocks.u8"),
                             golden::bytes("mxfp4", prefix + ".hf_scales.u8")}),
                     prefix + ".dequant.f32");
    }
  }
}

TEST(Codec, RejectsPartialBlocks) {
  std::vector<float> x(300);
  std::vector<uint8_t> storage(1024);
  for (const FormatSpec &spec :
       {FormatSpec::q4k(), FormatSpec::nf4(64), FormatSpec::mxfp4(),
        FormatSpec{FormatKind::Q4_0}, FormatSpec{FormatKind::Q8_0}}) {
    Status s = quantize(spec, x.data(), 300, storage.data());
    EXPECT_FALSE(s.ok()) << describe(spec);
    EXPECT_NE(s.message().find("not a whole number"), std::string::npos)
        << s.message();
    EXPECT_FALSE(dequantize(spec, storage.data(), 300, x.data()).ok());
    int64_t bytes;
    EXPECT_FALSE(storageBytes(spec, 300, bytes).ok());
  }
}

TEST(Codec, RejectsBadNF4BlockSize) {
  int64_t bytes;
  Status s = storageBytes(FormatSpec::nf4(100), 400, bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("block size 100"), std::string::npos);
}

TEST(Codec, StorageMatchesLayout) {
  int64_t bytes = 0;
  ASSERT_TRUE(storageBytes(FormatSpec::q4k(), 4096, bytes));
  EXPECT_EQ(bytes, 16 * 144);
  ASSERT_TRUE(storageBytes(FormatSpec::nf4(64, true), 64 * 300, bytes));
  EXPECT_EQ(bytes, 64 * 300 / 2 + 300 + 2 * 4 + 4);
  ASSERT_TRUE(storageBytes(FormatSpec::mxfp4(MXFP4Layout::HF), 64, bytes));
  EXPECT_EQ(bytes, 2 * 16 + 2);
  ASSERT_TRUE(storageBytes(FormatSpec{FormatKind::Q8_0}, 64, bytes));
  EXPECT_EQ(bytes, 2 * 34);
}

TEST(Codec, Q4_0AndQ8_0RoundTripWithinHalfAStep) {
  // No golden vectors for these two; check ggml's defining properties: the
  // per-block step d (fp16) and |y - x| <= d / 2 up to fp16 rounding of d.
  std::vector<float> x(256);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.37f * float(i)) * (1.0f + float(i % 32));
  for (FormatKind kind : {FormatKind::Q4_0, FormatKind::Q8_0}) {
    FormatSpec spec{kind};
    int64_t bytes = 0;
    ASSERT_TRUE(storageBytes(spec, 256, bytes));
    std::vector<uint8_t> storage(static_cast<size_t>(bytes));
    std::vector<float> y(256);
    ASSERT_TRUE(quantize(spec, x.data(), 256, storage.data()));
    ASSERT_TRUE(dequantize(spec, storage.data(), 256, y.data()));
    for (int b = 0; b < 8; ++b) {
      float amax = 0;
      for (int j = 0; j < 32; ++j)
        amax = std::max(amax, std::fabs(x[b * 32 + j]));
      float step = amax / (kind == FormatKind::Q4_0 ? 8.0f : 127.0f);
      for (int j = 0; j < 32; ++j)
        EXPECT_LE(std::fabs(y[b * 32 + j] - x[b * 32 + j]), 0.51f * step)
            << describe(spec) << " element " << b * 32 + j;
    }
  }
}

} // namespace
