//===- GGMLTypeTest.cpp - ggml type ids and sizes -------------------------===//

#include "Format/GGMLType.h"

#include <gtest/gtest.h>

using namespace quant4::format;

TEST(GGMLType, IdsMatchGgml) {
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::F32), 0u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::F16), 1u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::Q4_0), 2u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::Q8_0), 8u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::Q4_K), 12u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::Q8_K), 15u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::BF16), 30u);
  EXPECT_EQ(static_cast<uint32_t>(GGMLType::MXFP4), 39u);
}

TEST(GGMLType, BlockSizesAndBytes) {
  struct Case {
    GGMLType type;
    int64_t block, bytes;
    const char *name;
  } cases[] = {
      {GGMLType::F32, 1, 4, "f32"},
      {GGMLType::F16, 1, 2, "f16"},
      {GGMLType::BF16, 1, 2, "bf16"},
      {GGMLType::Q4_0, 32, 18, "q4_0"},
      {GGMLType::Q8_0, 32, 34, "q8_0"},
      {GGMLType::Q4_K, 256, 144, "q4_K"},
      {GGMLType::Q6_K, 256, 210, "q6_K"},
      {GGMLType::Q8_K, 256, 292, "q8_K"},
      {GGMLType::MXFP4, 32, 17, "mxfp4"},
      {GGMLType::IQ4_XS, 256, 136, "iq4_xs"},
      {GGMLType::TQ1_0, 256, 54, "tq1_0"},
  };
  for (const Case &c : cases) {
    std::optional<GGMLTypeTraits> t = ggmlTypeTraits(c.type);
    ASSERT_TRUE(t) << c.name;
    EXPECT_EQ(t->blockSize, c.block) << c.name;
    EXPECT_EQ(t->blockBytes, c.bytes) << c.name;
    EXPECT_EQ(t->name, c.name);
    EXPECT_EQ(ggmlTypeFromName(c.name), c.type);
  }
}

TEST(GGMLType, RemovedAndUnknownIds) {
  for (uint32_t id : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 40u, 1000u})
    EXPECT_FALSE(ggmlTypeTraits(id)) << id;
  EXPECT_FALSE(ggmlTypeFromName("q4_2"));
}

TEST(GGMLType, RowBytesChecks) {
  EXPECT_EQ(ggmlRowBytes(GGMLType::Q4_K, 4096), 16 * 144);
  EXPECT_FALSE(ggmlRowBytes(GGMLType::Q4_K, 100));
  EXPECT_FALSE(ggmlRowBytes(GGMLType::F32, -1));
  EXPECT_FALSE(ggmlRowBytes(GGMLType::F32, INT64_MAX / 2));
  int64_t ne[] = {256, 1LL << 40, 1LL << 30};
  EXPECT_FALSE(ggmlTensorBytes(GGMLType::Q4_K, ne, 3));
  int64_t ok[] = {64, 3};
  EXPECT_EQ(ggmlTensorBytes(GGMLType::Q8_0, ok, 2), 2 * 34 * 3);
}
