//===- EntrySignatureTest.cpp - ABI element types and tensors -------------===//

#include "Target/HostABI/EntrySignature.h"
#include "Target/HostABI/LibraryInterface.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::quant4;

namespace {

TEST(EntrySignature, ElementTypesOfMLIRTypes) {
  MLIRContext context;
  Builder b(&context);
  EXPECT_EQ(abiElementType(b.getF32Type()), AbiElementType::F32);
  EXPECT_EQ(abiElementType(b.getF16Type()), AbiElementType::F16);
  EXPECT_EQ(abiElementType(b.getBF16Type()), AbiElementType::BF16);
  EXPECT_EQ(
      abiElementType(IntegerType::get(&context, 8, IntegerType::Unsigned)),
      AbiElementType::U8);
  EXPECT_EQ(abiElementType(b.getI8Type()), AbiElementType::I8);
  // Bytes are bytes: a signed si8 passes as i8.
  EXPECT_EQ(abiElementType(IntegerType::get(&context, 8, IntegerType::Signed)),
            AbiElementType::I8);
  // Nothing else crosses the ABI.
  EXPECT_EQ(abiElementType(b.getF64Type()), std::nullopt);
  EXPECT_EQ(abiElementType(b.getI32Type()), std::nullopt);
  EXPECT_EQ(abiElementType(b.getIndexType()), std::nullopt);
}

TEST(EntrySignature, ElementSizesAndCTypes) {
  EXPECT_EQ(abiElementSize(AbiElementType::F32), 4);
  EXPECT_EQ(abiElementSize(AbiElementType::F16), 2);
  EXPECT_EQ(abiElementSize(AbiElementType::BF16), 2);
  EXPECT_EQ(abiElementSize(AbiElementType::U8), 1);
  EXPECT_EQ(abiElementSize(AbiElementType::I8), 1);
  EXPECT_STREQ(abiCType(AbiElementType::F32), "float");
  EXPECT_STREQ(abiCType(AbiElementType::F16), "uint16_t");
  EXPECT_STREQ(abiCType(AbiElementType::BF16), "uint16_t");
  EXPECT_STREQ(abiCType(AbiElementType::U8), "uint8_t");
  EXPECT_STREQ(abiCType(AbiElementType::I8), "int8_t");
}

TEST(EntrySignature, Tensors) {
  AbiTensor dynamic{AbiElementType::BF16, {ShapedType::kDynamic, 4096}};
  EXPECT_FALSE(dynamic.hasStaticShape());
  EXPECT_TRUE(dynamic.isDynamicDim(0));
  EXPECT_FALSE(dynamic.isDynamicDim(1));
  EXPECT_EQ(dynamic.describe(), "?x4096xbf16");
  // Two pointers, the offset, two sizes and two strides.
  EXPECT_EQ(dynamic.descriptorWords(), 7u);

  AbiTensor bytes{AbiElementType::U8, {147456}};
  EXPECT_TRUE(bytes.hasStaticShape());
  EXPECT_EQ(bytes.numElements(), 147456);
  EXPECT_EQ(bytes.describe(), "147456xui8");
}

TEST(LibraryInterface, CNames) {
  EXPECT_EQ(plainCName("gemv"), "q4_gemv");
  EXPECT_EQ(cIdentifier("libmlp-v2.x"), "libmlp_v2_x");
  EXPECT_EQ(cIdentifier("9lives"), "_9lives");
  EXPECT_EQ(cIdentifier(""), "_");
  LibraryInterface library;
  library.name = "mlp";
  EXPECT_EQ(library.errorFunction(), "q4_mlp_error");
  EXPECT_EQ(library.initFunction(), "q4_mlp_init");
  EXPECT_EQ(library.weightsDirVariable(), "Q4_MLP_WEIGHTS_DIR");
}

} // namespace
