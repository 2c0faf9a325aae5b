//===- LayoutTest.cpp - Storage layout arithmetic --------------------------===//

#include "Format/Layout.h"

#include <gtest/gtest.h>

#include <limits>

using namespace quant4::format;

TEST(Layout, Q4KIs144BytesPer256Values) {
  BlockLayout l = q4kLayout();
  EXPECT_EQ(l.blockSize, 256);
  EXPECT_EQ(*l.numBlocks(4096 * 4096), 65536);
  EXPECT_EQ(*l.storageBytes(65536), 65536 * 144);
  EXPECT_FALSE(l.numBlocks(300).has_value());
}

TEST(Layout, NF4PlanesFollowEachOther) {
  BlockLayout l = nf4Layout(64, /*doubleQuant=*/false);
  ASSERT_EQ(l.planes.size(), 2u);
  // 10 blocks of 64: 320 code bytes, then 10 float absmax.
  EXPECT_EQ(*l.planeOffset(1, 10), 320);
  EXPECT_EQ(*l.storageBytes(10), 320 + 40);
}

TEST(Layout, NF4DoubleQuantGroupsRoundUp) {
  BlockLayout l = nf4Layout(64, /*doubleQuant=*/true);
  ASSERT_EQ(l.planes.size(), 4u);
  // 300 blocks: codes 9600, qabsmax 300, absmax2 2 groups of 256 -> 8, offset 4.
  EXPECT_EQ(*l.planeBytes(2, 300), 8);
  EXPECT_EQ(*l.planeBytes(3, 300), 4);
  EXPECT_EQ(*l.storageBytes(300), 9600 + 300 + 8 + 4);
}

TEST(Layout, MXFP4Layouts) {
  EXPECT_EQ(*mxfp4Layout(MXFP4Layout::GGML).storageBytes(8), 8 * 17);
  BlockLayout hf = mxfp4Layout(MXFP4Layout::HF);
  EXPECT_EQ(*hf.planeOffset(1, 8), 128);
  EXPECT_EQ(*hf.storageBytes(8), 136);
}

TEST(Layout, OverflowIsReported) {
  BlockLayout l = q4kLayout();
  EXPECT_FALSE(l.storageBytes(std::numeric_limits<int64_t>::max() / 2));
  EXPECT_FALSE(l.storageBytes(-1));
  EXPECT_FALSE(l.numBlocks(-256));
}

TEST(Layout, NF4BlockSizes) {
  EXPECT_TRUE(isValidNF4BlockSize(32));
  EXPECT_TRUE(isValidNF4BlockSize(4096));
  EXPECT_FALSE(isValidNF4BlockSize(16));
  EXPECT_FALSE(isValidNF4BlockSize(96));
  EXPECT_FALSE(isValidNF4BlockSize(8192));
}
