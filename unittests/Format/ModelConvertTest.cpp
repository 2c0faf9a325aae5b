//===- ModelConvertTest.cpp - Re-quantizing model files -------------------===//
//
// The converted tensors hold exactly the bytes Codec.h's quantize produces,
// laid out as the container's convention says, and the rest is copied.
//
//===----------------------------------------------------------------------===//

#include "Format/ModelConvert.h"
#include "Format/Float16.h"
#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"
#include "Format/SafetensorsQuant.h"
#include "Format/SafetensorsWriter.h"

#include "ModelFileTestUtil.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

namespace {

std::vector<float> wave(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = std::sin(0.37f * static_cast<float>(i)) * (1.0f + (i % 7));
  return v;
}

std::vector<uint8_t> bytesOf(const std::vector<float> &v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

std::vector<uint8_t> quantized(const FormatSpec &spec,
                               const std::vector<float> &x) {
  int64_t bytes = 0;
  EXPECT_TRUE(storageBytes(spec, static_cast<int64_t>(x.size()), bytes));
  std::vector<uint8_t> out(static_cast<size_t>(bytes));
  EXPECT_TRUE(
      quantize(spec, x.data(), static_cast<int64_t>(x.size()), out.data()));
  return out;
}

std::vector<uint8_t> spanBytes(ByteSpan s) { return {s.begin(), s.end()}; }

/// The group's planes, concatenated: Codec.h's planar storage.
std::vector<uint8_t> planes(const QuantizedTensorGroup &g) {
  std::vector<uint8_t> planar;
  for (const QuantPlane &p : g.planes)
    planar.insert(planar.end(), p.bytes.begin(), p.bytes.end());
  return planar;
}

class ModelConvertTest : public ::testing::Test {
protected:
  void SetUp() override {
    SafetensorsWriter w;
    w.setMetadata("format", "pt");
    ASSERT_TRUE(
        w.addTensor("w", SafetensorsDType::F32, {4, 256}, bytesOf(weights_)));
    ASSERT_TRUE(
        w.addTensor("odd", SafetensorsDType::F32, {2, 40}, bytesOf(wave(80))));
    ASSERT_TRUE(
        w.addTensor("bias", SafetensorsDType::F32, {256}, bytesOf(wave(256))));
    ASSERT_TRUE(w.write(input_));
  }
  void TearDown() override {
    std::remove(input_.c_str());
    std::remove(output_.c_str());
  }

  std::vector<float> weights_ = wave(1024);
  std::string input_ = tempPath("convert-in.safetensors");
  std::string output_;
};

} // namespace

TEST_F(ModelConvertTest, NF4DoubleQuantToSafetensors) {
  output_ = tempPath("convert-out.safetensors");
  ConvertOptions options;
  options.format = FormatSpec::nf4(64, true);
  std::vector<std::string> seen;
  options.progress = [&](size_t, size_t, const std::string &name) {
    seen.push_back(name);
  };
  Expected<ConvertReport> report = convertModel(input_, output_, options);
  ASSERT_TRUE(report) << report.message();
  EXPECT_EQ(report->quantized, std::vector<std::string>{"w"});
  EXPECT_EQ(report->copied.size(), 2u);
  EXPECT_EQ(seen.size(), 4u); // 3 tensors + the final call

  Expected<SafetensorsFile> out = SafetensorsFile::open(output_);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(*out->findMetadata("format"), "pt");
  Expected<std::vector<QuantizedTensorGroup>> groups =
      findQuantizedGroups(*out);
  ASSERT_TRUE(groups) << groups.message();
  ASSERT_EQ(groups->size(), 1u);
  const QuantizedTensorGroup &g = (*groups)[0];
  EXPECT_EQ(g.shape, (std::vector<int64_t>{4, 256}));
  EXPECT_TRUE(g.doubleQuant);
  EXPECT_EQ(g.dtype, "float32");
  // The planes, concatenated, are exactly Codec.h's planar storage.
  EXPECT_EQ(planes(g), quantized(*options.format, weights_));
  EXPECT_EQ(g.quantMap.size, 64u);
  EXPECT_EQ(g.nestedQuantMap.size, 1024u);
  // Untouched tensors are copied byte for byte.
  EXPECT_EQ(spanBytes(out->tensorData(*out->findTensor("odd"))),
            bytesOf(wave(80)));
}

TEST_F(ModelConvertTest, MXFP4ToSafetensorsAndGGUF) {
  output_ = tempPath("convert-out.safetensors");
  ConvertOptions options;
  options.format = FormatSpec::mxfp4(MXFP4Layout::GGML, MXFP4Rule::GGML);
  ASSERT_TRUE(convertModel(input_, output_, options));
  Expected<SafetensorsFile> st = SafetensorsFile::open(output_);
  ASSERT_TRUE(st);
  Expected<std::vector<QuantizedTensorGroup>> groups = findQuantizedGroups(*st);
  ASSERT_TRUE(groups && groups->size() == 1u);
  // safetensors holds the gpt-oss (HF) layout whatever the requested layout.
  EXPECT_EQ(
      planes((*groups)[0]),
      quantized(FormatSpec::mxfp4(MXFP4Layout::HF, MXFP4Rule::GGML), weights_));
  std::remove(output_.c_str());

  output_ = tempPath("convert-out.gguf");
  ASSERT_TRUE(convertModel(input_, output_, options));
  Expected<GGUFFile> gguf = GGUFFile::open(output_);
  ASSERT_TRUE(gguf) << gguf.message();
  const GGUFTensorInfo *w = gguf->findTensor("w");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->type, GGMLType::MXFP4);
  EXPECT_EQ(w->ne, (std::vector<int64_t>{256, 4}));
  EXPECT_EQ(spanBytes(gguf->tensorData(*w)),
            quantized(FormatSpec::mxfp4(MXFP4Layout::GGML, MXFP4Rule::GGML),
                      weights_));
  EXPECT_EQ(gguf->findTensor("odd")->type, GGMLType::F32);
  EXPECT_EQ(gguf->findMetadata("format")->str(), "pt");
}

// A GGUF MXFP4 tensor copied into safetensors (no --format) becomes gpt-oss
// .blocks / .scales with the same codes: what quantizing straight into the
// hf layout gives.
TEST_F(ModelConvertTest, MXFP4GGUFToSafetensorsIsLossless) {
  std::string gguf = tempPath("convert-mxfp4.gguf");
  GGUFWriter w;
  ASSERT_TRUE(w.addTensor(
      "w", GGMLType::MXFP4, {256, 4},
      quantized(FormatSpec::mxfp4(MXFP4Layout::GGML, MXFP4Rule::GGML),
                weights_)));
  ASSERT_TRUE(w.write(gguf));
  output_ = tempPath("convert-mxfp4.safetensors");
  Expected<ConvertReport> report = convertModel(gguf, output_, {});
  std::remove(gguf.c_str());
  ASSERT_TRUE(report) << report.message();
  EXPECT_EQ(report->copied, std::vector<std::string>{"w"});
  Expected<SafetensorsFile> st = SafetensorsFile::open(output_);
  ASSERT_TRUE(st) << st.message();
  Expected<std::vector<QuantizedTensorGroup>> groups = findQuantizedGroups(*st);
  ASSERT_TRUE(groups && groups->size() == 1u);
  EXPECT_EQ((*groups)[0].shape, (std::vector<int64_t>{4, 256}));
  EXPECT_EQ(
      planes((*groups)[0]),
      quantized(FormatSpec::mxfp4(MXFP4Layout::HF, MXFP4Rule::GGML), weights_));
}

TEST_F(ModelConvertTest, Q4KToGGUFFromF16) {
  // An f16 GGUF input: the float values are widened exactly before quantizing.
  std::vector<uint16_t> half(1024);
  std::vector<float> widened(1024);
  for (size_t i = 0; i < half.size(); ++i) {
    half[i] = floatToFp16(weights_[i]);
    widened[i] = fp16ToFloat(half[i]);
  }
  std::vector<uint8_t> raw(half.size() * 2);
  std::memcpy(raw.data(), half.data(), raw.size());
  GGUFWriter w;
  ASSERT_TRUE(w.setMetadata("general.alignment", GGUFValue::u32(64)));
  ASSERT_TRUE(w.addTensor("w", GGMLType::F16, {256, 4}, raw));
  std::string in = tempPath("convert-in.gguf");
  ASSERT_TRUE(w.write(in));
  output_ = tempPath("convert-out.gguf");
  ConvertOptions options;
  options.format = FormatSpec::q4k();
  ASSERT_TRUE(convertModel(in, output_, options));
  Expected<GGUFFile> out = GGUFFile::open(output_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->alignment(), 64u);
  const GGUFTensorInfo *t = out->findTensor("w");
  EXPECT_EQ(t->type, GGMLType::Q4_K);
  EXPECT_EQ(spanBytes(out->tensorData(*t)),
            quantized(FormatSpec::q4k(), widened));
  std::remove(in.c_str());
}

TEST_F(ModelConvertTest, Errors) {
  ConvertOptions options;
  options.format = FormatSpec::nf4();
  output_ = tempPath("x.gguf");
  Expected<ConvertReport> r = convertModel(input_, output_, options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("nf4 cannot be stored in GGUF"),
            std::string::npos);
  options.format = FormatSpec::q4k();
  r = convertModel(input_, tempPath("x.safetensors"), options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("q4_k has no standard safetensors form"),
            std::string::npos);
  r = convertModel(input_, tempPath("x.bin"), ConvertOptions());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("must end in .gguf or .safetensors"),
            std::string::npos);
  r = convertModel(tempPath("missing.gguf"), output_, ConvertOptions());
  EXPECT_FALSE(r);
  EXPECT_EQ(containerFromPath("a.gguf"), ModelContainer::GGUF);
  EXPECT_EQ(containerFromPath(".gguf"), std::nullopt);
}
