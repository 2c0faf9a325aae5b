//===- RawFileTest.cpp - Raw files and shapes -----------------------------===//

#include "Format/RawFile.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace quant4::format;

namespace {

TEST(RawFile, ParsesShapes) {
  std::vector<int64_t> dims;
  ASSERT_TRUE(parseShape("64,4096", dims));
  EXPECT_EQ(dims, (std::vector<int64_t>{64, 4096}));
  ASSERT_TRUE(parseShape("7", dims));
  EXPECT_EQ(dims, (std::vector<int64_t>{7}));
  for (const char *bad : {"", ",", "64,", ",64", "0,4", "-1,4", "4x4", "1,x",
                          "99999999999,99999999999"})
    EXPECT_FALSE(parseShape(bad, dims).ok()) << bad;
}

TEST(RawFile, ChecksSizeOnRead) {
  std::string path = ::testing::TempDir() + "/rawfile_test.bin";
  const float values[3] = {1.0f, -2.0f, 0.5f};
  ASSERT_TRUE(writeRawFile(path, values, sizeof(values)));
  std::vector<float> read;
  ASSERT_TRUE(readFloatFile(path, 3, read));
  EXPECT_EQ(read, (std::vector<float>{1.0f, -2.0f, 0.5f}));
  Status s = readFloatFile(path, 4, read);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("has 12 bytes, expected 16"), std::string::npos)
      << s.message();
  std::remove(path.c_str());
  EXPECT_FALSE(readFloatFile(path, 3, read).ok());
}

} // namespace
