//===- SafetensorsTest.cpp - safetensors writer, reader, hardening --------===//

#include "Format/SafetensorsFile.h"
#include "Format/SafetensorsWriter.h"

#include "ModelFileTestUtil.h"

#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

namespace {

/// A file with the given raw header text and `dataBytes` zero data bytes.
std::vector<uint8_t> rawFile(const std::string &header, size_t dataBytes) {
  std::vector<uint8_t> out;
  appendLE<uint64_t>(out, header.size());
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + dataBytes);
  return out;
}

void expectError(std::vector<uint8_t> bytes, const std::string &fragment) {
  Expected<SafetensorsFile> f =
      SafetensorsFile::parse(bufferOf(std::move(bytes)));
  ASSERT_FALSE(f) << "expected an error containing '" << fragment << "'";
  EXPECT_NE(f.message().find(fragment), std::string::npos) << f.message();
}

SafetensorsWriter sampleWriter() {
  SafetensorsWriter w;
  w.setMetadata("format", "pt");
  w.setMetadata("note", "quote\" and \xc3\xa9");
  EXPECT_TRUE(w.addTensor("b.weight", SafetensorsDType::F16, {2, 3}, iota(12)));
  EXPECT_TRUE(w.addTensor("a.weight", SafetensorsDType::F32, {3}, iota(12)));
  EXPECT_TRUE(w.addTensor("c", SafetensorsDType::U8, {5}, iota(5)));
  EXPECT_TRUE(w.addTensor("d", SafetensorsDType::BF16, {1, 2}, iota(4)));
  EXPECT_TRUE(w.addTensor("e", SafetensorsDType::I64, {}, iota(8)));
  return w;
}

} // namespace

TEST(Safetensors, RoundTrip) {
  std::vector<uint8_t> bytes = sampleWriter().serialize();
  Expected<SafetensorsFile> f = SafetensorsFile::parse(bufferOf(bytes));
  ASSERT_TRUE(f) << f.message();
  EXPECT_EQ(f->dataOffset() % 8, 0u);
  ASSERT_EQ(f->metadata().size(), 2u);
  EXPECT_EQ(*f->findMetadata("note"), "quote\" and \xc3\xa9");
  ASSERT_EQ(f->tensors().size(), 5u);
  // Reference order: dtype descending (I64, F32, BF16, F16, U8), then name.
  EXPECT_EQ(f->tensors()[0].name, "e");
  EXPECT_EQ(f->tensors()[1].name, "a.weight");
  EXPECT_EQ(f->tensors()[2].name, "d");
  EXPECT_EQ(f->tensors()[3].name, "b.weight");
  EXPECT_EQ(f->tensors()[4].name, "c");
  const SafetensorsTensorInfo *b = f->findTensor("b.weight");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->dtype, SafetensorsDType::F16);
  EXPECT_EQ(b->shape, (std::vector<int64_t>{2, 3}));
  ByteSpan data = f->tensorData(*b);
  EXPECT_EQ(std::vector<uint8_t>(data.begin(), data.end()), iota(12));
  EXPECT_EQ(f->findTensor("e")->shape.size(), 0u);
  EXPECT_FALSE(f->findTensor("zz"));
}

TEST(Safetensors, HeaderIsPaddedWithSpaces) {
  std::vector<uint8_t> bytes = sampleWriter().serialize();
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(bytes[i]) << (8 * i);
  EXPECT_EQ(n % 8, 0u);
  std::string header(bytes.begin() + 8, bytes.begin() + 8 + n);
  EXPECT_EQ(header.rfind("{\"__metadata__\":{\"format\":\"pt\"", 0), 0u);
  size_t close = header.find_last_of('}');
  EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos);
  EXPECT_LT(header.size() - close - 1, 8u);
}

TEST(Safetensors, FileRoundTrip) {
  std::string path = tempPath("roundtrip.safetensors");
  ASSERT_TRUE(sampleWriter().write(path));
  Expected<SafetensorsFile> f = SafetensorsFile::open(path);
  ASSERT_TRUE(f) << f.message();
  EXPECT_EQ(f->tensors().size(), 5u);
  std::remove(path.c_str());
}

TEST(Safetensors, WriterRejectsBadTensors) {
  SafetensorsWriter w;
  EXPECT_FALSE(w.addTensor("x", SafetensorsDType::F32, {2}, iota(4)));
  EXPECT_FALSE(w.addTensor("__metadata__", SafetensorsDType::U8, {1}, iota(1)));
  EXPECT_TRUE(w.addTensor("x", SafetensorsDType::U8, {1}, iota(1)));
  EXPECT_FALSE(w.addTensor("x", SafetensorsDType::U8, {1}, iota(1)));
}

TEST(SafetensorsHardening, HeaderLength) {
  expectError({1, 2, 3}, "too small");
  std::vector<uint8_t> b;
  appendLE<uint64_t>(b, UINT64_MAX);
  expectError(b, "100 MB");
  b.clear();
  appendLE<uint64_t>(b, 1000);
  b.resize(100, '{');
  expectError(b, "exceeds the file");
  expectError(rawFile("", 0), "start with '{'");
  expectError(rawFile("  {}", 0), "start with '{'");
  EXPECT_TRUE(SafetensorsFile::parse(bufferOf(rawFile("{}      ", 0))));
}

TEST(SafetensorsHardening, BadJSON) {
  expectError(rawFile("{\"a\":}", 0), "bad header");
  expectError(rawFile("{\"a\":{}} x", 0), "bad header");
  expectError(rawFile("{\"a\":{\"dtype\":\"F32\"},\"a\":{}}", 0), "duplicate");
  expectError(rawFile("[1]", 0), "start with");
  expectError(rawFile("{\"a\":\"\xff\"}", 0), "UTF-8");
}

TEST(SafetensorsHardening, BadTensorEntries) {
  expectError(rawFile(R"({"t":1})", 0), "not an object");
  expectError(rawFile(R"({"t":{"shape":[1],"data_offsets":[0,4]}})", 4),
              "no dtype");
  expectError(
      rawFile(R"({"t":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})", 4),
      "unknown dtype 'Q4'");
  expectError(rawFile(R"({"t":{"dtype":"F32","data_offsets":[0,4]}})", 4),
              "shape");
  expectError(
      rawFile(R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
      "non-negative integer");
  expectError(
      rawFile(R"({"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4),
      "non-negative integer");
  expectError(
      rawFile(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4),
      "2 values");
  expectError(
      rawFile(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", 4),
      "ends before");
  expectError(
      rawFile(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4),
      "needs 8 bytes");
  expectError(rawFile(R"({"__metadata__":{"a":1}})", 0), "not a string");
  expectError(rawFile(R"({"__metadata__":[]})", 0), "not an object");
}

TEST(SafetensorsHardening, AbsurdShapes) {
  expectError(
      rawFile(
          R"({"t":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,4]}})",
          4),
      "too large");
  expectError(
      rawFile(
          R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})",
          4),
      "overflows");
  expectError(
      rawFile(
          R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}})",
          4),
      "non-negative integer");
  expectError(
      rawFile(R"({"t":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}})", 1),
      "whole bytes");
}

TEST(SafetensorsHardening, OffsetsMustTileTheData) {
  // Gap at the start.
  expectError(
      rawFile(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", 4),
      "gap or overlap");
  // Overlap.
  expectError(rawFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                      R"("b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
                      4),
              "gap or overlap");
  // Past the end of the file.
  expectError(
      rawFile(R"({"t":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})", 4),
      "the file has 4");
  // Trailing bytes nobody owns.
  expectError(
      rawFile(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 4),
      "the file has 4");
  // Huge offsets.
  expectError(
      rawFile(
          R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[18446744073709551615,18446744073709551615]}})",
          4),
      "gap or overlap");
}

TEST(SafetensorsHardening, EveryTruncationFails) {
  std::vector<uint8_t> bytes = sampleWriter().serialize();
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    EXPECT_FALSE(SafetensorsFile::parse(bufferOf(prefix))) << n;
  }
}
