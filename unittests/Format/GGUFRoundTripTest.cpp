//===- GGUFRoundTripTest.cpp - GGUF writer and reader agree ---------------===//

#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"

#include "ModelFileTestUtil.h"

#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

namespace {

GGUFWriter sampleWriter() {
  GGUFWriter w;
  EXPECT_TRUE(
      w.setMetadata("general.architecture", GGUFValue::string("llama")));
  EXPECT_TRUE(w.setMetadata("u8", GGUFValue::u8(200)));
  EXPECT_TRUE(w.setMetadata("i8", GGUFValue::i8(-100)));
  EXPECT_TRUE(w.setMetadata("u16", GGUFValue::u16(60000)));
  EXPECT_TRUE(w.setMetadata("i16", GGUFValue::i16(-30000)));
  EXPECT_TRUE(w.setMetadata("u32", GGUFValue::u32(4000000000u)));
  EXPECT_TRUE(w.setMetadata("i32", GGUFValue::i32(-2000000000)));
  EXPECT_TRUE(w.setMetadata("u64", GGUFValue::u64(UINT64_MAX)));
  EXPECT_TRUE(w.setMetadata("i64", GGUFValue::i64(INT64_MIN)));
  EXPECT_TRUE(w.setMetadata("f32", GGUFValue::f32(0.1f)));
  EXPECT_TRUE(w.setMetadata("f64", GGUFValue::f64(-2.5e300)));
  EXPECT_TRUE(w.setMetadata("bool", GGUFValue::boolean(true)));
  EXPECT_TRUE(w.setMetadata("arr.i32", GGUFValue::arrayOf<int32_t>(
                                           GGUFValueType::Int32, {1, -2, 3})));
  EXPECT_TRUE(
      w.setMetadata("arr.f32", GGUFValue::arrayOf<float>(GGUFValueType::Float32,
                                                         {0.5f, -1})));
  EXPECT_TRUE(
      w.setMetadata("arr.str", GGUFValue::stringArray({"a", "", "\xc3\xa9"})));
  EXPECT_TRUE(w.setMetadata(
      "arr.nested", GGUFValue::arrayArray({GGUFValue::arrayOf<uint8_t>(
                                               GGUFValueType::UInt8, {1, 2}),
                                           GGUFValue::stringArray({"x"})})));
  EXPECT_TRUE(w.addTensor("f32", GGMLType::F32, {3, 2}, iota(24)));
  EXPECT_TRUE(w.addTensor("f16", GGMLType::F16, {5}, iota(10)));
  EXPECT_TRUE(w.addTensor("bf16", GGMLType::BF16, {4, 1, 1, 2}, iota(16)));
  EXPECT_TRUE(w.addTensor("q4_0", GGMLType::Q4_0, {64}, iota(36)));
  EXPECT_TRUE(w.addTensor("q8_0", GGMLType::Q8_0, {32, 2}, iota(68)));
  EXPECT_TRUE(w.addTensor("q4_k", GGMLType::Q4_K, {256, 2}, iota(288)));
  EXPECT_TRUE(w.addTensor("mxfp4", GGMLType::MXFP4, {32}, iota(17)));
  EXPECT_TRUE(w.addTensor("q6_k", GGMLType::Q6_K, {256}, iota(210)));
  return w;
}

} // namespace

TEST(GGUFRoundTrip, MetadataAndTensors) {
  GGUFWriter w = sampleWriter();
  std::vector<uint8_t> bytes = w.serialize();
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(bytes));
  ASSERT_TRUE(f) << f.message();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->alignment(), 32u);
  ASSERT_EQ(f->metadata().size(), 16u);
  EXPECT_EQ(f->metadata()[0].first, "general.architecture");
  EXPECT_EQ(f->findMetadata("general.architecture")->str(), "llama");
  EXPECT_EQ(f->findMetadata("i8")->asInt64(), -100);
  EXPECT_EQ(f->findMetadata("u64")->asUInt64(), UINT64_MAX);
  EXPECT_EQ(f->findMetadata("i64")->asInt64(), INT64_MIN);
  EXPECT_FLOAT_EQ(*f->findMetadata("f32")->asDouble(), 0.1f);
  EXPECT_EQ(*f->findMetadata("f64")->asDouble(), -2.5e300);
  EXPECT_EQ(f->findMetadata("bool")->asUInt64(), 1u);
  const GGUFValue *arr = f->findMetadata("arr.i32");
  ASSERT_EQ(arr->size(), 3u);
  EXPECT_EQ(arr->scalarAt(1).asInt64(), -2);
  EXPECT_EQ(f->findMetadata("arr.str")->strings()[2], "\xc3\xa9");
  const GGUFValue *nested = f->findMetadata("arr.nested");
  ASSERT_EQ(nested->arrays().size(), 2u);
  EXPECT_EQ(nested->arrays()[1].strings()[0], "x");
  // Every value reads back equal to what was written.
  Expected<GGUFFile> again = GGUFFile::parse(bufferOf(w.serialize()));
  for (size_t i = 0; i < f->metadata().size(); ++i)
    EXPECT_EQ(f->metadata()[i].second, again->metadata()[i].second);

  ASSERT_EQ(f->tensors().size(), 8u);
  const GGUFTensorInfo *q4k = f->findTensor("q4_k");
  ASSERT_TRUE(q4k);
  EXPECT_EQ(q4k->type, GGMLType::Q4_K);
  EXPECT_EQ(q4k->ne, (std::vector<int64_t>{256, 2}));
  EXPECT_EQ(q4k->rowMajorShape(), (std::vector<int64_t>{2, 256}));
  EXPECT_EQ(q4k->bytes, 288u);
  ByteSpan data = f->tensorData(*q4k);
  EXPECT_EQ(std::vector<uint8_t>(data.begin(), data.end()), iota(288));
  // Zero-copy: the view points into the buffer.
  EXPECT_GE(data.data, f->buffer()->data());
  EXPECT_LE(data.end(), f->buffer()->data() + f->buffer()->size());
}

TEST(GGUFRoundTrip, GgmlWriterLayout) {
  std::vector<uint8_t> bytes = sampleWriter().serialize();
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(bytes));
  ASSERT_TRUE(f);
  // The data section starts aligned and every tensor sits at the running sum
  // of the sizes of those before it, each padded to the alignment; padding is
  // zeros and the file ends with the last tensor's padding.
  EXPECT_EQ(f->dataOffset() % 32, 0u);
  uint64_t expected = 0;
  for (const GGUFTensorInfo &t : f->tensors()) {
    EXPECT_EQ(t.offset, expected) << t.name;
    uint64_t padded = (t.bytes + 31) / 32 * 32;
    for (uint64_t i = t.bytes; i < padded; ++i)
      EXPECT_EQ(bytes[f->dataOffset() + t.offset + i], 0) << t.name;
    expected += padded;
  }
  EXPECT_EQ(bytes.size(), f->dataOffset() + expected);
  // The header bytes, checked by hand: magic, version, counts.
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "GGUF");
  EXPECT_EQ(bytes[4], 3);
  EXPECT_EQ(bytes[8], 8);   // tensors
  EXPECT_EQ(bytes[16], 16); // key/values
}

TEST(GGUFRoundTrip, CustomAlignment) {
  GGUFWriter w;
  ASSERT_TRUE(w.setMetadata("general.alignment", GGUFValue::u32(64)));
  EXPECT_FALSE(w.setMetadata("general.alignment", GGUFValue::u32(48)));
  EXPECT_FALSE(w.setMetadata("general.alignment", GGUFValue::u64(64)));
  ASSERT_TRUE(w.addTensor("a", GGMLType::F32, {3}, iota(12)));
  ASSERT_TRUE(w.addTensor("b", GGMLType::F32, {1}, iota(4)));
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(w.serialize()));
  ASSERT_TRUE(f) << f.message();
  EXPECT_EQ(f->alignment(), 64u);
  EXPECT_EQ(f->dataOffset() % 64, 0u);
  EXPECT_EQ(f->findTensor("b")->offset, 64u);
}

TEST(GGUFRoundTrip, WriterRejectsBadTensors) {
  GGUFWriter w;
  EXPECT_FALSE(w.addTensor("x", GGMLType::Q4_K, {100}, iota(144)));
  EXPECT_FALSE(w.addTensor("x", GGMLType::F32, {2}, iota(4)));
  EXPECT_FALSE(w.addTensor("x", GGMLType::F32, {1, 1, 1, 1, 1}, iota(4)));
  EXPECT_TRUE(w.addTensor("x", GGMLType::F32, {1}, iota(4)));
  EXPECT_FALSE(w.addTensor("x", GGMLType::F32, {1}, iota(4)));
}

TEST(GGUFRoundTrip, FileIsMemoryMapped) {
  std::string path = tempPath("roundtrip.gguf");
  ASSERT_TRUE(sampleWriter().write(path));
  Expected<GGUFFile> f = GGUFFile::open(path);
  ASSERT_TRUE(f) << f.message();
  std::vector<uint8_t> inMemory = sampleWriter().serialize();
  EXPECT_EQ(f->buffer()->size(), inMemory.size());
  EXPECT_EQ(std::vector<uint8_t>(f->buffer()->data(),
                                 f->buffer()->data() + f->buffer()->size()),
            inMemory);
  std::remove(path.c_str());
  Expected<GGUFFile> missing = GGUFFile::open(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("cannot open"), std::string::npos);
}

TEST(GGUFRoundTrip, EmptyModel) {
  GGUFWriter w;
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(w.serialize()));
  ASSERT_TRUE(f) << f.message();
  EXPECT_TRUE(f->tensors().empty());
  EXPECT_TRUE(f->metadata().empty());
}
