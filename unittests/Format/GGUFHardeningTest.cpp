//===- GGUFHardeningTest.cpp - The GGUF reader on hostile input -----------===//
//
// Every malformed file must give an error with a clear message: no crash,
// no out-of-bounds read (the tests also run under ASan+UBSan), no huge
// allocation.
//
//===----------------------------------------------------------------------===//

#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"

#include "ModelFileTestUtil.h"

#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

namespace {

/// A hand-built GGUF: header, then whatever the test appends.
std::vector<uint8_t> header(uint64_t numTensors, uint64_t numKV,
                            uint32_t version = 3) {
  std::vector<uint8_t> out;
  appendLE<uint32_t>(out, kGGUFMagic);
  appendLE<uint32_t>(out, version);
  appendLE<uint64_t>(out, numTensors);
  appendLE<uint64_t>(out, numKV);
  return out;
}

void putTensorInfo(std::vector<uint8_t> &out, const std::string &name,
                   std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
  putString(out, name);
  appendLE<uint32_t>(out, static_cast<uint32_t>(ne.size()));
  for (uint64_t d : ne)
    appendLE<uint64_t>(out, d);
  appendLE<uint32_t>(out, type);
  appendLE<uint64_t>(out, offset);
}

void padTo32(std::vector<uint8_t> &out) {
  out.resize((out.size() + 31) / 32 * 32);
}

/// Parses `bytes` and expects an error containing `fragment`.
void expectError(std::vector<uint8_t> bytes, const std::string &fragment) {
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(std::move(bytes)));
  ASSERT_FALSE(f) << "expected an error containing '" << fragment << "'";
  EXPECT_NE(f.message().find(fragment), std::string::npos) << f.message();
}

std::vector<uint8_t> validFile() {
  GGUFWriter w;
  EXPECT_TRUE(w.setMetadata("name", GGUFValue::string("m")));
  EXPECT_TRUE(w.setMetadata(
      "list", GGUFValue::arrayOf<uint32_t>(GGUFValueType::UInt32, {1, 2})));
  EXPECT_TRUE(w.setMetadata("strs", GGUFValue::stringArray({"ab", "c"})));
  EXPECT_TRUE(w.addTensor("w", GGMLType::Q4_K, {256}, iota(144)));
  EXPECT_TRUE(w.addTensor("b", GGMLType::F32, {4}, iota(16)));
  return w.serialize();
}

} // namespace

TEST(GGUFHardening, BadMagic) {
  std::vector<uint8_t> bytes = validFile();
  bytes[0] = 'X';
  expectError(bytes, "bad magic");
  expectError({}, "too small");
  expectError({'G', 'G'}, "too small");
}

TEST(GGUFHardening, BadVersion) {
  expectError(header(0, 0, 1), "version 1");
  expectError(header(0, 0, 7), "unsupported version 7");
  expectError(header(0, 0, 0x03000000), "big-endian");
  EXPECT_TRUE(GGUFFile::parse(bufferOf(header(0, 0, 2))));
}

TEST(GGUFHardening, EveryTruncationFails) {
  std::vector<uint8_t> bytes = validFile();
  // Drop the trailing padding: the last tensor's data ends there.
  Expected<GGUFFile> full = GGUFFile::parse(bufferOf(bytes));
  ASSERT_TRUE(full);
  const GGUFTensorInfo &last = full->tensors().back();
  size_t end = full->dataOffset() + last.offset + last.bytes;
  for (size_t n = 0; n < end; ++n) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    EXPECT_FALSE(GGUFFile::parse(bufferOf(prefix))) << "prefix " << n;
  }
  std::vector<uint8_t> exact(bytes.begin(), bytes.begin() + end);
  EXPECT_TRUE(GGUFFile::parse(bufferOf(exact)));
}

TEST(GGUFHardening, AbsurdCounts) {
  expectError(header(UINT64_MAX, 0), "tensor count");
  expectError(header(0, UINT64_MAX), "metadata count");
  expectError(header(1000, 0), "tensor count");
}

TEST(GGUFHardening, HugeStringLength) {
  std::vector<uint8_t> b = header(0, 1);
  appendLE<uint64_t>(b, UINT64_MAX); // key length
  b.resize(b.size() + 16);
  expectError(b, "exceeds the file");

  b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 8); // string
  appendLE<uint64_t>(b, 1ull << 40);
  b.resize(b.size() + 16);
  expectError(b, "exceeds the file");
}

TEST(GGUFHardening, HugeArrayLength) {
  std::vector<uint8_t> b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 9);  // array
  appendLE<uint32_t>(b, 10); // of u64
  appendLE<uint64_t>(b, UINT64_MAX / 4);
  b.resize(b.size() + 64);
  expectError(b, "array length");
}

TEST(GGUFHardening, UnknownValueTypes) {
  std::vector<uint8_t> b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 13);
  b.resize(b.size() + 8);
  expectError(b, "unknown value type 13");

  b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 9);
  appendLE<uint32_t>(b, 0xFFFFFFFF);
  appendLE<uint64_t>(b, 0);
  expectError(b, "unknown value type");
}

TEST(GGUFHardening, BadBool) {
  std::vector<uint8_t> b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 7);
  b.push_back(2);
  expectError(b, "neither 0 nor 1");
}

TEST(GGUFHardening, DeeplyNestedArrays) {
  std::vector<uint8_t> b = header(0, 1);
  putString(b, "k");
  appendLE<uint32_t>(b, 9);
  for (int i = 0; i < 100; ++i) {
    appendLE<uint32_t>(b, 9);
    appendLE<uint64_t>(b, 1);
  }
  b.resize(b.size() + 64);
  expectError(b, "nested deeper");
}

TEST(GGUFHardening, DuplicateKeysAndNames) {
  std::vector<uint8_t> b = header(0, 2);
  for (int i = 0; i < 2; ++i) {
    putString(b, "k");
    appendLE<uint32_t>(b, 0);
    b.push_back(1);
  }
  expectError(b, "duplicate metadata key 'k'");

  b = header(2, 0);
  putTensorInfo(b, "t", {4}, 0, 0);
  putTensorInfo(b, "t", {4}, 0, 32);
  padTo32(b);
  b.resize(b.size() + 64);
  expectError(b, "duplicate tensor name 't'");
}

TEST(GGUFHardening, BadAlignment) {
  for (uint32_t a : {0u, 3u, 48u}) {
    std::vector<uint8_t> b = header(0, 1);
    putString(b, "general.alignment");
    appendLE<uint32_t>(b, 4);
    appendLE<uint32_t>(b, a);
    expectError(b, "not a power of two");
  }
  // Found by the fuzzer: a legal but absurd alignment made the writer pad to
  // 2 GiB. Both sides now refuse alignments above 64 KiB.
  std::vector<uint8_t> b = header(0, 1);
  putString(b, "general.alignment");
  appendLE<uint32_t>(b, 4);
  appendLE<uint32_t>(b, 0x80000000u);
  expectError(b, "exceeds the supported maximum 65536");
  GGUFWriter w;
  EXPECT_FALSE(w.setMetadata("general.alignment", GGUFValue::u32(1u << 17)));
  EXPECT_TRUE(w.setMetadata("general.alignment", GGUFValue::u32(1u << 16)));

  b = header(0, 1);
  putString(b, "general.alignment");
  appendLE<uint32_t>(b, 10);
  appendLE<uint64_t>(b, 32);
  expectError(b, "must be a u32");
}

TEST(GGUFHardening, TensorInfoChecks) {
  auto oneTensor = [](std::vector<uint64_t> ne, uint32_t type, uint64_t offset,
                      size_t dataBytes) {
    std::vector<uint8_t> b = header(1, 0);
    putTensorInfo(b, "t", std::move(ne), type, offset);
    padTo32(b);
    b.resize(b.size() + dataBytes);
    return b;
  };
  expectError(oneTensor({1, 1, 1, 1, 1}, 0, 0, 32), "5 dims");
  expectError(oneTensor({UINT64_MAX}, 0, 0, 32), "too large");
  expectError(oneTensor({1ull << 62, 1ull << 62}, 0, 0, 32), "overflows");
  expectError(oneTensor({1ull << 61}, 0, 0, 32), "overflows");
  expectError(oneTensor({4}, 4, 0, 32), "unknown ggml type id 4");
  expectError(oneTensor({4}, 1000, 0, 32), "unknown ggml type id 1000");
  expectError(oneTensor({100}, 12, 0, 1024), "not a multiple of the block");
  expectError(oneTensor({4}, 0, 16, 64), "not a multiple of the alignment");
  expectError(oneTensor({16}, 0, 0, 32), "past the end");
  expectError(oneTensor({4}, 0, UINT64_MAX - 31, 32), "past the end");
  EXPECT_TRUE(GGUFFile::parse(bufferOf(oneTensor({8}, 0, 0, 32))));
  // Opaque types of known size are accepted.
  EXPECT_TRUE(GGUFFile::parse(bufferOf(oneTensor({256}, 23, 0, 136))));
}

TEST(GGUFHardening, OverlappingTensors) {
  std::vector<uint8_t> b = header(2, 0);
  putTensorInfo(b, "a", {16}, 0, 0);
  putTensorInfo(b, "b", {16}, 0, 32);
  padTo32(b);
  b.resize(b.size() + 128);
  expectError(b, "overlap");
}

TEST(GGUFHardening, DataSectionMissing) {
  std::vector<uint8_t> b = header(1, 0);
  putTensorInfo(b, "a", {0}, 0, 0);
  // No padding to the alignment: the data section would begin past the end.
  if (b.size() % 32 == 0)
    b.push_back(0);
  expectError(b, "before the data section");
}
