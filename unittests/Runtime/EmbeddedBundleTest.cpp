//===- EmbeddedBundleTest.cpp - q4rt_launch's scratch workspaces ----------===//
//
// A host library's runtime (EmbeddedBundle.h) on the fake libcuda.so.1: which
// scratch pointers each stream's launches get, the caller's workspace, and
// CUDA graph capture (nothing loaded or allocated while a stream captures).
// The fake logs every launch with its parameters (QUANT4_FAKE_CUDA_LOG).
//
//===----------------------------------------------------------------------===//

#include "Runtime/EmbeddedBundle.h"
#include "Runtime/CudaApi.h"
#include "Runtime/Workspace.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace quant4::runtime;

namespace {

/// One function with two scratch buffers (100 and 8 bytes) and one argument;
/// its kernel `rec` takes s0, s1, a0, so the log shows where they are.
const char kManifest[] = "quant4-nvptx-bundle 1\n"
                         "func f 1\n"
                         "arg 0 4 memref<1xi32>\n"
                         "scratch 0 100 memref<25xi32>\n"
                         "scratch 1 8 memref<2xi32>\n"
                         "launch m.ptx rec 1 1 1 32 1 1 s0 s1 a0\n";
const char kPtx[] = "// fake\n.entry rec(.param .u64 p0, .param .u64 p1, "
                    ".param .u64 p2)\n";
const Q4rtImage kImages[] = {{"m.ptx", kPtx, sizeof(kPtx) - 1}};

Q4rtBundle makeBundle() {
  return {Q4RT_BUNDLE_VERSION, 1, kManifest, sizeof(kManifest) - 1, kImages};
}

void *pointer(uintptr_t value) { return reinterpret_cast<void *>(value); }

class EmbeddedBundleFake : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    // The runtime dlopen()s "libcuda.so.1": the fake, once it is loaded.
    handle = dlopen(QUANT4_FAKE_CUDA, RTLD_NOW | RTLD_GLOBAL);
    ASSERT_NE(handle, nullptr) << dlerror();
  }

  void SetUp() override {
    log = ::testing::TempDir() + "embedded_bundle_" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() +
          ".log";
    std::remove(log.c_str());
    setenv("QUANT4_FAKE_CUDA_LOG", log.c_str(), 1);
  }
  void TearDown() override { unsetenv("QUANT4_FAKE_CUDA_LOG"); }

  /// The (s0, s1) pointers of each logged launch on `stream`, in order.
  std::vector<std::pair<uint64_t, uint64_t>> scratchOf(void *stream) {
    std::ifstream file(log);
    std::ostringstream tag;
    tag << "stream " << stream << " params ";
    std::vector<std::pair<uint64_t, uint64_t>> found;
    for (std::string line; std::getline(file, line);) {
      size_t at = line.find(tag.str());
      if (at == std::string::npos)
        continue;
      std::istringstream params(line.substr(at + tag.str().size()));
      uint64_t s0 = 0, s1 = 0;
      params >> std::hex >> s0 >> s1;
      found.push_back({s0, s1});
    }
    return found;
  }

  /// Calls `name` of the fake driver (capture control).
  template <typename... Args> int driverCall(const char *name, Args... args) {
    auto *function = reinterpret_cast<int (*)(Args...)>(dlsym(handle, name));
    return function ? function(args...) : -1;
  }
  void beginCapture(void *stream) {
    ASSERT_EQ(driverCall("cuStreamBeginCapture_v2", stream, 0), 0);
  }
  void endCapture(void *stream) {
    void *graph = nullptr;
    ASSERT_EQ(driverCall("cuStreamEndCapture", stream, &graph), 0);
  }

  /// A call of "f" refused while capturing, because of `what`.
  static void expectRefused(int rc, const std::string &what) {
    EXPECT_EQ(rc, Q4RT_ERROR_RUNTIME);
    std::string expected = "f: the stream is capturing a CUDA graph and " +
                           what + " would invalidate the capture";
    EXPECT_EQ(std::string(q4rt_last_error()).substr(0, expected.size()),
              expected);
  }

  static void *handle;
  std::string log;
  alignas(16) int32_t output[4] = {};
  void *args[1] = {output};
};

void *EmbeddedBundleFake::handle = nullptr;

TEST(Workspace, LaysScratchOutAt256ByteOffsets) {
  BundleFunction function;
  function.scratch = {{100, "a"}, {8, "b"}, {256, "c"}};
  WorkspaceLayout layout = layoutWorkspace(function);
  EXPECT_EQ(layout.offsets, (std::vector<uint64_t>{0, 256, 512}));
  EXPECT_EQ(layout.bytes, 768u);
  EXPECT_EQ(layoutWorkspace(BundleFunction()).bytes, 0u);
  BundleFunction small;
  small.scratch = {{4, "d"}};
  EXPECT_EQ(maxWorkspaceBytes({small, function, BundleFunction()}), 768u);
}

TEST_F(EmbeddedBundleFake, EachStreamHasItsOwnScratch) {
  static const Q4rtBundle bundle = makeBundle();
  void *a = pointer(0x5700), *b = pointer(0x5800);
  ASSERT_EQ(q4rt_launch(&bundle, 0, "f", args, 1, a), 0) << q4rt_last_error();
  ASSERT_EQ(q4rt_launch(&bundle, 0, "f", args, 1, b), 0) << q4rt_last_error();
  ASSERT_EQ(q4rt_launch(&bundle, 0, "f", args, 1, a), 0) << q4rt_last_error();
  auto onA = scratchOf(a), onB = scratchOf(b);
  ASSERT_EQ(onA.size(), 2u);
  ASSERT_EQ(onB.size(), 1u);
  // A stream keeps its workspace; another stream gets another one.
  EXPECT_EQ(onA[0], onA[1]);
  EXPECT_NE(onA[0].first, onB[0].first);
  // Both buffers in one workspace, s1 256 bytes after s0.
  EXPECT_EQ(onA[0].second, onA[0].first + 256);
  EXPECT_EQ(onB[0].second, onB[0].first + 256);
  // The workspaces do not overlap.
  uint64_t lowA = onA[0].first, lowB = onB[0].first;
  EXPECT_TRUE(lowA + 512 <= lowB || lowB + 512 <= lowA);
}

TEST_F(EmbeddedBundleFake, ConcurrentStreamsGetDistinctScratch) {
  static const Q4rtBundle bundle = makeBundle();
  std::vector<std::thread> threads;
  for (uintptr_t s = 0; s < 8; ++s)
    threads.emplace_back([&, s] {
      for (int call = 0; call < 4; ++call)
        EXPECT_EQ(q4rt_launch(&bundle, 0, "f", args, 1, pointer(0x7000 + s)),
                  0);
    });
  for (std::thread &thread : threads)
    thread.join();
  std::set<uint64_t> bases;
  for (uintptr_t s = 0; s < 8; ++s) {
    auto launches = scratchOf(pointer(0x7000 + s));
    ASSERT_EQ(launches.size(), 4u);
    for (const auto &launch : launches)
      EXPECT_EQ(launch, launches[0]);
    bases.insert(launches[0].first);
  }
  EXPECT_EQ(bases.size(), 8u);
}

TEST_F(EmbeddedBundleFake, CallerWorkspaceIsCarvedAndChecked) {
  static const Q4rtBundle bundle = makeBundle();
  alignas(256) static char workspace[512];
  void *stream = pointer(0x5a00);
  ASSERT_EQ(
      q4rt_launch_workspace(&bundle, 0, "f", args, 1, workspace, 512, stream),
      0)
      << q4rt_last_error();
  auto launches = scratchOf(stream);
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].first, uint64_t(uintptr_t(workspace)));
  EXPECT_EQ(launches[0].second, uint64_t(uintptr_t(workspace)) + 256);

  EXPECT_EQ(
      q4rt_launch_workspace(&bundle, 0, "f", args, 1, workspace, 300, stream),
      Q4RT_ERROR_RUNTIME);
  EXPECT_STREQ(q4rt_last_error(),
               "f: the workspace has 300 bytes, the function needs 512");
  EXPECT_EQ(q4rt_launch_workspace(&bundle, 0, "f", args, 1, workspace + 8, 512,
                                  stream),
            Q4RT_ERROR_RUNTIME);
  EXPECT_STREQ(q4rt_last_error(), "f: the workspace is not 16-byte aligned");
  EXPECT_EQ(
      q4rt_launch_workspace(&bundle, 0, "f", args, 1, nullptr, 512, stream),
      Q4RT_ERROR_RUNTIME);
  EXPECT_STREQ(q4rt_last_error(), "f: the workspace is a null pointer");
  EXPECT_EQ(scratchOf(stream).size(), 1u);
}

TEST_F(EmbeddedBundleFake, NothingIsLoadedOrAllocatedWhileCapturing) {
  static const Q4rtBundle bundle = makeBundle();
  void *stream = pointer(0x5b00);
  // Not loaded into the context yet: refused, and the capture goes on.
  beginCapture(stream);
  expectRefused(q4rt_launch(&bundle, 0, "f", args, 1, stream),
                "loading the kernels into its context");
  EXPECT_EQ(q4rt_prepare(&bundle, "prep", stream), Q4RT_ERROR_RUNTIME);
  endCapture(stream);

  // Loaded, but the stream has no workspace yet: refused as well.
  ASSERT_EQ(q4rt_prepare(&bundle, "prep", pointer(0x5c00)), 0)
      << q4rt_last_error();
  beginCapture(stream);
  expectRefused(q4rt_launch(&bundle, 0, "f", args, 1, stream),
                "allocating its scratch workspace");
  // The caller's workspace needs no allocation.
  alignas(256) static char workspace[512];
  EXPECT_EQ(
      q4rt_launch_workspace(&bundle, 0, "f", args, 1, workspace, 512, stream),
      0)
      << q4rt_last_error();
  endCapture(stream);

  // Prepared first, the stream captures with its own workspace.
  ASSERT_EQ(q4rt_prepare(&bundle, "prep", stream), 0) << q4rt_last_error();
  beginCapture(stream);
  EXPECT_EQ(q4rt_launch(&bundle, 0, "f", args, 1, stream), 0)
      << q4rt_last_error();
  endCapture(stream);
  auto launches = scratchOf(stream);
  ASSERT_EQ(launches.size(), 2u);
  EXPECT_EQ(launches[0].first, uint64_t(uintptr_t(workspace)));
  EXPECT_NE(launches[1].first, uint64_t(uintptr_t(workspace)));
}

} // namespace
