//===- DeviceBufferTest.cpp - Buffers, copies and launches on the fake ----===//

#include "FakeCudaFixture.h"
#include "Runtime/CudaModule.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace quant4::runtime;

namespace {

class DeviceBufferFake : public FakeCudaTest {
protected:
  void SetUp() override {
    FakeCudaTest::SetUp();
    Expected<Stream> created = Stream::create(context);
    ASSERT_TRUE(created) << created.message();
    stream.emplace(created.take());
  }
  std::optional<Stream> stream;
};

TEST_F(DeviceBufferFake, ZeroBytesIsAnError) {
  EXPECT_EQ(DeviceBuffer::allocate(context, 0).message(),
            "DeviceBuffer::allocate: zero bytes requested");
}

TEST_F(DeviceBufferFake, RoundTripAndDeviceCopy) {
  std::vector<int32_t> host = {1, -2, 3, -4};
  size_t bytes = host.size() * sizeof(int32_t);
  Expected<DeviceBuffer> a = DeviceBuffer::allocate(context, bytes);
  Expected<DeviceBuffer> b = DeviceBuffer::allocate(context, bytes);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->upload(host.data(), bytes).ok());
  ASSERT_TRUE(b->copyFrom(*a, *stream).ok());
  std::vector<int32_t> back(host.size(), 0);
  ASSERT_TRUE(b->download(back.data(), bytes).ok());
  EXPECT_EQ(back, host);
  // A partial copy at an offset.
  int32_t last = 0;
  ASSERT_TRUE(b->download(&last, 4, 12).ok());
  EXPECT_EQ(last, -4);
}

TEST_F(DeviceBufferFake, OutOfRangeCopiesNeverReachTheDriver) {
  Expected<DeviceBuffer> a = DeviceBuffer::allocate(context, 16);
  ASSERT_TRUE(a);
  char host[32] = {};
  EXPECT_EQ(a->upload(host, 17).message(),
            "DeviceBuffer::upload: 17 bytes at offset 0 exceed the buffer's "
            "16 bytes");
  EXPECT_EQ(a->download(host, 8, 12).message(),
            "DeviceBuffer::download: 8 bytes at offset 12 exceed the buffer's "
            "16 bytes");
  EXPECT_FALSE(a->download(host, 1, SIZE_MAX).ok());
  Expected<DeviceBuffer> b = DeviceBuffer::allocate(context, 8);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->copyFrom(*a, *stream).message(),
            "DeviceBuffer::copyFrom: 16 bytes at offset 0 exceed the buffer's "
            "8 bytes");
}

TEST_F(DeviceBufferFake, Fill32PoisonsWithNaN) {
  Expected<DeviceBuffer> a = DeviceBuffer::allocate(context, 16);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->fill32(0x7FC00000u, *stream).ok());
  float values[4] = {};
  ASSERT_TRUE(a->download(values, sizeof(values)).ok());
  for (float v : values)
    EXPECT_TRUE(std::isnan(v));
  Expected<DeviceBuffer> odd = DeviceBuffer::allocate(context, 6);
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->fill32(0, *stream).message(),
            "DeviceBuffer::fill32: 6 bytes is not a multiple of 4");
}

TEST_F(DeviceBufferFake, MovedFromBufferIsEmpty) {
  Expected<DeviceBuffer> a = DeviceBuffer::allocate(context, 8);
  ASSERT_TRUE(a);
  DeviceBuffer b = a.take();
  EXPECT_EQ(b.size(), 8u);
  int32_t x = 0;
  EXPECT_EQ(a->download(&x, 4).message(),
            "DeviceBuffer::download: buffer was moved from");
}

TEST_F(DeviceBufferFake, LaunchPassesArgumentsByValue) {
  Expected<Module> module = Module::load(context, "// ptx");
  ASSERT_TRUE(module);
  Expected<Kernel> kernel = module->kernel("store_i32");
  ASSERT_TRUE(kernel) << kernel.message();
  Expected<DeviceBuffer> out = DeviceBuffer::allocate(context, 4);
  ASSERT_TRUE(out);
  KernelArgs args;
  args.pointer(*out).i32(-77);
  ASSERT_TRUE(kernel->launch({1, 1, 1}, {32, 1, 1}, args, *stream, 0, 2).ok());
  int32_t value = 0;
  ASSERT_TRUE(out->download(&value, 4).ok());
  EXPECT_EQ(value, -77);
}

TEST_F(DeviceBufferFake, LaunchChecksShapeAndArity) {
  Expected<Module> module = Module::load(context, "// ptx");
  ASSERT_TRUE(module);
  Expected<Kernel> kernel = module->kernel("store_i32");
  ASSERT_TRUE(kernel);
  KernelArgs args;
  args.i32(1);
  EXPECT_EQ(kernel->launch({0, 1, 1}, {1, 1, 1}, args, *stream).message(),
            "launch of store_i32: empty grid");
  EXPECT_EQ(kernel->launch({1, 1, 1}, {64, 32, 1}, args, *stream).message(),
            "launch of store_i32: 2048 threads per block (1..1024)");
  EXPECT_EQ(kernel->launch({1, 1, 1}, {1, 1, 1}, args, *stream, 0, 2).message(),
            "launch of store_i32: 1 arguments, kernel takes 2");
}

} // namespace
