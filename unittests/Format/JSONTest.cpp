//===- JSONTest.cpp - The strict JSON parser ------------------------------===//

#include "Format/JSON.h"

#include <gtest/gtest.h>

using namespace quant4::format;

TEST(JSON, ParsesDocuments) {
  Expected<JSONValue> v = parseJSON(
      R"( {"a": [1, -2, 3.5e2, true, false, null], "b": {"c": "x\u00e9\ud83d\ude00\n"}} )");
  ASSERT_TRUE(v) << v.message();
  const JSONValue *a = v->find("a");
  ASSERT_TRUE(a && a->isArray());
  EXPECT_EQ(a->items()[0].asUInt64(), 1u);
  EXPECT_EQ(a->items()[1].asInt64(), -2);
  EXPECT_FALSE(a->items()[1].asUInt64());
  EXPECT_EQ(a->items()[2].asDouble(), 350.0);
  EXPECT_FALSE(a->items()[2].asUInt64());
  EXPECT_TRUE(a->items()[3].boolean());
  EXPECT_TRUE(a->items()[5].isNull());
  EXPECT_EQ(v->find("b")->find("c")->text(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(v->members()[0].first, "a");
}

TEST(JSON, IntegerLimits) {
  EXPECT_EQ(parseJSON("18446744073709551615")->asUInt64(), UINT64_MAX);
  EXPECT_FALSE(parseJSON("18446744073709551616")->asUInt64());
  EXPECT_EQ(parseJSON("-9223372036854775808")->asInt64(), INT64_MIN);
  EXPECT_FALSE(parseJSON("9223372036854775808")->asInt64());
}

TEST(JSON, RejectsMalformed) {
  const char *bad[] = {
      "",
      "{",
      "[1,]",
      "{\"a\":1,}",
      "01",
      "1.",
      "-",
      "1e",
      "NaN",
      "'a'",
      "\"\\x\"",
      "\"a",
      "{\"a\" 1}",
      "[1 2]",
      "tru",
      "\"\\ud800\"",
      "\"\\udc00\"",
      "\"\t\"",
      "{1:2}",
      "1 2",
      "{\"a\":1,\"a\":2}",
      "\"\xff\"",
      "\"\xc0\xaf\"",
      "\"\xed\xa0\x80\"",
  };
  for (const char *text : bad)
    EXPECT_FALSE(parseJSON(text)) << text;
}

TEST(JSON, BoundsDepthAndCount) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  Expected<JSONValue> v = parseJSON(deep);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("nesting too deep"), std::string::npos);
  JSONLimits small;
  small.maxValues = 3;
  EXPECT_FALSE(parseJSON("[1,2,3]", small));
  EXPECT_TRUE(parseJSON("[1,2]", small));
}

TEST(JSON, WritesStrings) {
  std::string out;
  appendJSONString(out, std::string("a\"\\\n\x01\xc3\xa9\xff", 8));
  EXPECT_EQ(out, "\"a\\\"\\\\\\n\\u0001\xc3\xa9\xc3\xbf\"");
  EXPECT_TRUE(parseJSON(out));
  EXPECT_TRUE(isValidUTF8("\xc3\xa9"));
  EXPECT_FALSE(isValidUTF8("\xc3"));
}
