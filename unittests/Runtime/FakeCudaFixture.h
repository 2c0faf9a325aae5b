//===- FakeCudaFixture.h - A Context on the fake libcuda --------*- C++ -*-===//
#ifndef QUANT4_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H
#define QUANT4_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H

#include "Runtime/CudaContext.h"

#include <gtest/gtest.h>

namespace quant4::runtime {

/// Each test gets a Context on the fake driver built next to the tests.
class FakeCudaTest : public ::testing::Test {
protected:
  void SetUp() override {
    Expected<CudaDriverRef> driver = CudaDriver::load(QUANT4_FAKE_CUDA);
    ASSERT_TRUE(driver) << driver.message();
    Expected<ContextRef> created = Context::create(driver.take());
    ASSERT_TRUE(created) << created.message();
    context = created.take();
  }

  ContextRef context;
};

} // namespace quant4::runtime

#endif // QUANT4_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H
