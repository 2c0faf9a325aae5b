//===- CudaDriverTest.cpp - Loading the driver, naming its errors ---------===//

#include "FakeCudaFixture.h"
#include "Runtime/CudaGraph.h"
#include "Runtime/CudaModule.h"

#include <cstdlib>

using namespace quant4::runtime;

namespace {

TEST(CudaDriverLoad, MissingLibraryIsAnErrorNotACrash) {
  Expected<CudaDriverRef> driver =
      CudaDriver::load("libquant4-no-such-driver.so.1");
  ASSERT_FALSE(driver);
  EXPECT_EQ(
      driver.message().rfind("libquant4-no-such-driver.so.1 not found: ", 0),
      0u)
      << driver.message();
}

TEST(CudaDriverLoad, LibraryWithoutEntryPointsIsAnError) {
  Expected<CudaDriverRef> driver = CudaDriver::load("libm.so.6");
  ASSERT_FALSE(driver);
  EXPECT_EQ(driver.message(),
            "libm.so.6 lacks the entry point cuGetErrorName (driver too old?)");
}

TEST(CudaDriverLoad, DefaultDriverLoadsOrSaysWhyNot) {
  Expected<CudaDriverRef> driver = CudaDriver::load();
  if (!driver)
    EXPECT_NE(driver.message().find("libcuda.so.1"), std::string::npos)
        << driver.message();
}

TEST(CudaDriverLoad, InitFailureNamesCallAndError) {
  setenv("QUANT4_FAKE_CUDA_INIT", "100", 1);
  Expected<CudaDriverRef> driver = CudaDriver::load(QUANT4_FAKE_CUDA);
  unsetenv("QUANT4_FAKE_CUDA_INIT");
  ASSERT_FALSE(driver);
  EXPECT_EQ(driver.message(),
            "cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected");
}

class CudaDriverFake : public FakeCudaTest {};

TEST_F(CudaDriverFake, CheckFormatsKnownAndUnknownErrors) {
  const CudaDriver &d = context->driver();
  EXPECT_TRUE(d.check(cuda::CUDA_SUCCESS, "cuFoo").ok());
  EXPECT_EQ(d.check(cuda::CUDA_ERROR_INVALID_VALUE, "cuFoo").message(),
            "cuFoo: CUDA_ERROR_INVALID_VALUE");
  EXPECT_EQ(d.check(12345, "cuBar").message(), "cuBar: CUDA error 12345");
}

TEST_F(CudaDriverFake, LastFailureIsTheLastFailedCheckOnThisThread) {
  const CudaDriver &d = context->driver();
  (void)CudaDriver::takeLastFailure();
  EXPECT_FALSE(d.check(cuda::CUDA_ERROR_INVALID_PTX, "cuFoo").ok());
  EXPECT_TRUE(d.check(cuda::CUDA_SUCCESS, "cuFoo").ok());
  EXPECT_EQ(CudaDriver::takeLastFailure(), cuda::CUDA_ERROR_INVALID_PTX);
  EXPECT_EQ(CudaDriver::takeLastFailure(), cuda::CUDA_SUCCESS);
}

TEST_F(CudaDriverFake, BorrowedContextIsNotReleased) {
  Expected<ContextRef> borrowed = Context::borrow(
      std::shared_ptr<const CudaDriver>(context, &context->driver()),
      context->get());
  ASSERT_TRUE(borrowed) << borrowed.message();
  EXPECT_EQ((*borrowed)->get(), context->get());
  EXPECT_EQ((*borrowed)->deviceName(), "Fake GPU");
  EXPECT_FALSE(Context::borrow(nullptr, context->get()));
}

TEST_F(CudaDriverFake, ContextKnowsItsDevice) {
  EXPECT_EQ(context->deviceName(), "Fake GPU");
  Expected<ContextRef> second = Context::create(
      std::shared_ptr<const CudaDriver>(context, &context->driver()), 1);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.message(),
            "Context::create: device 1 requested, 1 CUDA device(s) present");
}

TEST_F(CudaDriverFake, BadPtxReportsErrorNameAndJitLog) {
  Expected<Module> module = Module::load(context, ".version 8.0\nbroken");
  ASSERT_FALSE(module);
  EXPECT_EQ(module.message(),
            "cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX: a PTX JIT compilation "
            "failed: ptxas fatal: fake error");
}

TEST_F(CudaDriverFake, EmptyImageAndMissingFileAreErrors) {
  EXPECT_EQ(Module::load(context, "").message(), "Module::load: empty image");
  EXPECT_EQ(Module::loadFile(context, "/no/such/kernel.ptx").message(),
            "Module::loadFile: cannot open /no/such/kernel.ptx");
}

TEST_F(CudaDriverFake, MissingKernelIsNamed) {
  Expected<Module> module = Module::load(context, "// ptx");
  ASSERT_TRUE(module) << module.message();
  Expected<Kernel> kernel = module->kernel("nope");
  ASSERT_FALSE(kernel);
  EXPECT_EQ(kernel.message(),
            "cuModuleGetFunction: CUDA_ERROR_NOT_FOUND (kernel nope)");
}

TEST_F(CudaDriverFake, GraphCaptureFailureIsReported) {
  Expected<Stream> stream = Stream::create(context);
  ASSERT_TRUE(stream) << stream.message();
  // The fake captures, but cannot instantiate a graph.
  Expected<Graph> graph =
      Graph::capture(*stream, [] { return Status::success(); });
  ASSERT_FALSE(graph);
  EXPECT_EQ(graph.message(), "cuGraphInstantiate: CUDA error 801");
  // A failure while capturing is the one reported; the capture has ended.
  graph = Graph::capture(*stream, [] { return Status::error("enqueue"); });
  EXPECT_EQ(graph.message(), "enqueue");
  Expected<bool> capturing = isCapturing(context->driver(), stream->get());
  ASSERT_TRUE(capturing) << capturing.message();
  EXPECT_FALSE(*capturing);
}

} // namespace
