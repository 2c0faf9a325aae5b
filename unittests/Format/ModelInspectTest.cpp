//===- ModelInspectTest.cpp - What `q4-quant inspect` prints --------------===//

#include "Format/ModelInspect.h"
#include "Format/GGUFWriter.h"
#include "Format/JSON.h"
#include "Format/SafetensorsWriter.h"

#include "ModelFileTestUtil.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace quant4::format;
using namespace quant4::format::test;

TEST(ModelInspect, DetectsContainers) {
  std::vector<uint8_t> gguf = GGUFWriter().serialize();
  EXPECT_EQ(detectModelFileKind({gguf.data(), gguf.size()}),
            ModelFileKind::GGUF);
  std::vector<uint8_t> st = SafetensorsWriter().serialize();
  EXPECT_EQ(detectModelFileKind({st.data(), st.size()}),
            ModelFileKind::Safetensors);
  EXPECT_EQ(detectModelFileKind({gguf.data(), 3}), ModelFileKind::Unknown);
}

TEST(ModelInspect, GGUFJSONIsValidAndExact) {
  GGUFWriter w;
  ASSERT_TRUE(w.setMetadata("u64", GGUFValue::u64(UINT64_MAX)));
  ASSERT_TRUE(w.setMetadata("nan", GGUFValue::f32(NAN)));
  ASSERT_TRUE(w.setMetadata("s", GGUFValue::string("a\"b\n\xff")));
  ASSERT_TRUE(w.setMetadata(
      "arr", GGUFValue::arrayArray({GGUFValue::stringArray({"x"})})));
  ASSERT_TRUE(w.addTensor("t", GGMLType::Q8_0, {32, 3}, iota(102)));
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(w.serialize()));
  ASSERT_TRUE(f);
  InspectOptions options;
  options.json = true;
  Expected<JSONValue> json = parseJSON(describeGGUF(*f, options));
  ASSERT_TRUE(json) << json.message();
  const JSONValue &meta = json->find("metadata")->items()[0];
  EXPECT_EQ(meta.find("value")->asUInt64(), UINT64_MAX);
  EXPECT_EQ(json->find("metadata")->items()[1].find("value")->text(), "nan");
  EXPECT_EQ(json->find("metadata")->items()[3].find("element_type")->text(),
            "arr");
  const JSONValue &t = json->find("tensors")->items()[0];
  EXPECT_EQ(t.find("type")->text(), "q8_0");
  EXPECT_EQ(t.find("type_id")->asUInt64(), 8u);
  EXPECT_EQ(t.find("shape")->items()[0].asUInt64(), 3u);
  EXPECT_EQ(t.find("bytes")->asUInt64(), 102u);

  options.json = false;
  std::string text = describeGGUF(*f, options);
  EXPECT_NE(text.find("t : q8_0 ne=[32, 3] 102 bytes @0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("u64 : u64 = 18446744073709551615"), std::string::npos);
}

TEST(ModelInspect, TextShortensLongArrays) {
  GGUFWriter w;
  std::vector<uint32_t> many(1000, 7);
  ASSERT_TRUE(w.setMetadata(
      "many", GGUFValue::arrayOf<uint32_t>(GGUFValueType::UInt32, many)));
  Expected<GGUFFile> f = GGUFFile::parse(bufferOf(w.serialize()));
  ASSERT_TRUE(f);
  std::string text = describeGGUF(*f, InspectOptions());
  EXPECT_NE(text.find("... (1000 total)"), std::string::npos);
  EXPECT_LT(text.size(), 300u);
}

TEST(ModelInspect, SafetensorsFile) {
  SafetensorsWriter w;
  w.setMetadata("format", "pt");
  ASSERT_TRUE(w.addTensor("e.blocks", SafetensorsDType::U8, {2, 16}, iota(32)));
  ASSERT_TRUE(w.addTensor("e.scales", SafetensorsDType::U8, {2}, iota(2)));
  std::string path = tempPath("inspect.safetensors");
  ASSERT_TRUE(w.write(path));
  InspectOptions options;
  options.json = true;
  Expected<std::string> out = inspectModelFile(path, options);
  ASSERT_TRUE(out) << out.message();
  Expected<JSONValue> json = parseJSON(*out);
  ASSERT_TRUE(json) << json.message();
  EXPECT_EQ(json->find("metadata")->find("format")->text(), "pt");
  const JSONValue &g = json->find("quantized")->items()[0];
  EXPECT_EQ(g.find("format")->text(), "mxfp4");
  EXPECT_EQ(g.find("shape")->items()[0].asUInt64(), 64u);
  Expected<std::string> text = inspectModelFile(path, InspectOptions());
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("e : mxfp4 shape=[64] block=32 planes: blocks=32 "
                       "scales=2"),
            std::string::npos)
      << *text;
  std::remove(path.c_str());
  Expected<std::string> missing = inspectModelFile(path, options);
  EXPECT_FALSE(missing);
}

TEST(ModelInspect, RejectsOtherFiles) {
  std::string path = tempPath("not-a-model.bin");
  std::vector<uint8_t> junk = iota(64);
  ASSERT_TRUE(writeFile(path, {junk.data(), junk.size()}));
  Expected<std::string> out = inspectModelFile(path, InspectOptions());
  ASSERT_FALSE(out);
  EXPECT_NE(out.message().find("not a GGUF or safetensors file"),
            std::string::npos);
  std::remove(path.c_str());
}
