//===- KernelBundleTest.cpp - Manifest parsing, bundle runs on the fake ---===//

#include "Runtime/KernelBundle.h"
#include "FakeCudaFixture.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

using namespace quant4::runtime;

namespace {

const char *kManifest = "quant4-nvptx-bundle 1\n"
                        "func f 2\n"
                        "arg 0 16 memref<4xf32>\n"
                        "arg 1 4 memref<1xi32>\n"
                        "launch f.k.ptx store_i32 2 1 1 128 1 1 a1 i32:-5\n"
                        "launch f.k.ptx store_i32 1 1 1 32 1 1 a0 i64:7 "
                        "f32:1065353216\n";

TEST(BundleManifest, ParsesFunctionsArgumentsAndLaunches) {
  auto functions = parseBundleManifest(kManifest);
  ASSERT_TRUE(functions) << functions.message();
  ASSERT_EQ(functions->size(), 1u);
  const BundleFunction &f = (*functions)[0];
  EXPECT_EQ(f.name, "f");
  ASSERT_EQ(f.arguments.size(), 2u);
  EXPECT_EQ(f.arguments[0].bytes, 16u);
  EXPECT_EQ(f.arguments[1].type, "memref<1xi32>");
  ASSERT_EQ(f.launches.size(), 2u);
  EXPECT_EQ(f.launches[0].ptxFile, "f.k.ptx");
  EXPECT_EQ(f.launches[0].grid.x, 2u);
  EXPECT_EQ(f.launches[0].block.x, 128u);
  ASSERT_EQ(f.launches[0].operands.size(), 2u);
  EXPECT_EQ(f.launches[0].operands[0].kind, BundleOperand::Kind::Argument);
  EXPECT_EQ(f.launches[0].operands[0].value, 1);
  EXPECT_EQ(f.launches[0].operands[1].kind, BundleOperand::Kind::I32);
  EXPECT_EQ(f.launches[0].operands[1].value, -5);
  EXPECT_EQ(f.launches[1].operands[2].kind, BundleOperand::Kind::F32);
  EXPECT_EQ(f.launches[1].operands[2].value, 1065353216);
  // Lines without shared= (all of them before dynamic shared memory) ask
  // for none.
  EXPECT_EQ(f.launches[0].sharedBytes, 0u);
  EXPECT_EQ(f.launches[1].sharedBytes, 0u);
}

TEST(BundleManifest, ParsesDynamicSharedMemory) {
  std::string head = "quant4-nvptx-bundle 1\nfunc f 1\narg 0 4 memref<1xf32>\n";
  auto functions =
      parseBundleManifest(head + "launch p k 2 1 1 128 1 1 shared=98304 a0\n");
  ASSERT_TRUE(functions) << functions.message();
  const BundleLaunch &launch = (*functions)[0].launches[0];
  EXPECT_EQ(launch.sharedBytes, 98304u);
  ASSERT_EQ(launch.operands.size(), 1u);
  EXPECT_EQ(launch.operands[0].kind, BundleOperand::Kind::Argument);
  EXPECT_EQ(parseBundleManifest(head + "launch p k 1 1 1 1 1 1 shared=-4 a0\n")
                .message(),
            "manifest line 4: bad dynamic shared memory size 'shared=-4': "
            "'launch p k 1 1 1 1 1 1 shared=-4 a0'");
  EXPECT_FALSE(
      parseBundleManifest(head + "launch p k 1 1 1 1 1 1 shared=4294967296\n"));
  // Only right after the block size.
  EXPECT_EQ(parseBundleManifest(head + "launch p k 1 1 1 1 1 1 a0 shared=16\n")
                .message(),
            "manifest line 4: bad operand 'shared=16': "
            "'launch p k 1 1 1 1 1 1 a0 shared=16'");
}

TEST(BundleManifest, ErrorsNameTheLine) {
  EXPECT_EQ(parseBundleManifest("").message(), "manifest is empty");
  EXPECT_EQ(parseBundleManifest("bundle 2\n").message(),
            "manifest line 1: expected 'quant4-nvptx-bundle 1': 'bundle 2'");
  std::string head = "quant4-nvptx-bundle 1\nfunc f 1\narg 0 4 memref<1xf32>\n";
  EXPECT_EQ(parseBundleManifest(head + "launch p k 1 1 1 1 1 1 a1\n").message(),
            "manifest line 4: bad operand 'a1': 'launch p k 1 1 1 1 1 1 a1'");
  EXPECT_EQ(parseBundleManifest(head + "launch p k 0 1 1 1 1 1\n").message(),
            "manifest line 4: bad launch dimension '0': "
            "'launch p k 0 1 1 1 1 1'");
  EXPECT_FALSE(
      parseBundleManifest(head + "launch p k 1 1 1 1 1 1 i32:9999999999\n"));
  EXPECT_FALSE(parseBundleManifest(head + "arg 1 4 memref<1xf32>\n"));
  EXPECT_EQ(parseBundleManifest("quant4-nvptx-bundle 1\narg 0 4 x\n").message(),
            "manifest line 2: 'arg' before any 'func': 'arg 0 4 x'");
  EXPECT_FALSE(parseBundleManifest(head + "jump\n"));
  // Scratch operands must name a declared scratch buffer.
  EXPECT_EQ(parseBundleManifest(head + "launch p k 1 1 1 1 1 1 s0\n").message(),
            "manifest line 4: bad operand 's0': 'launch p k 1 1 1 1 1 1 s0'");
  EXPECT_FALSE(parseBundleManifest(head + "scratch 0 0 memref<0xf32>\n"));
}

TEST(BundleManifest, ParsesScratchBuffers) {
  auto functions = parseBundleManifest(
      "quant4-nvptx-bundle 1\nfunc f 1\narg 0 4 memref<1xf32>\n"
      "scratch 0 128 memref<1x32xf32>\n"
      "launch p k 1 1 1 32 1 1 s0 a0\n");
  ASSERT_TRUE(functions) << functions.message();
  const BundleFunction &f = (*functions)[0];
  ASSERT_EQ(f.scratch.size(), 1u);
  EXPECT_EQ(f.scratch[0].bytes, 128u);
  EXPECT_EQ(f.launches[0].operands[0].kind, BundleOperand::Kind::Scratch);
  EXPECT_EQ(f.launches[0].operands[0].value, 0);
}

class KernelBundleFake : public FakeCudaTest {
protected:
  std::string write(const std::string &name, const std::string &text) {
    std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(KernelBundleFake, RunsLaunchesWithArgumentPointers) {
  write("f.k.ptx", "// fake ptx\n");
  std::string manifest = write("f.manifest", "quant4-nvptx-bundle 1\n"
                                             "func f 1\n"
                                             "arg 0 4 memref<1xi32>\n"
                                             "launch f.k.ptx store_i32 1 1 1 "
                                             "32 1 1 a0 i32:-5\n");
  Expected<KernelBundle> bundle = KernelBundle::load(context, manifest);
  ASSERT_TRUE(bundle) << bundle.message();
  Expected<Stream> stream = Stream::create(context);
  Expected<DeviceBuffer> out = DeviceBuffer::allocate(context, 4);
  ASSERT_TRUE(stream && out);
  ASSERT_TRUE(bundle->run("f", {&*out}, *stream).ok());
  int32_t value = 0;
  ASSERT_TRUE(out->download(&value, 4).ok());
  EXPECT_EQ(value, -5);

  EXPECT_EQ(bundle->run("g", {&*out}, *stream).message(),
            "KernelBundle::run: no function g");
  EXPECT_EQ(bundle->run("f", {}, *stream).message(),
            "KernelBundle::run: f takes 1 arguments, got 0");
  // A launch on a scratch buffer the bundle allocated itself.
  std::string scratch = write("s.manifest", "quant4-nvptx-bundle 1\n"
                                            "func s 0\n"
                                            "scratch 0 4 memref<1xi32>\n"
                                            "launch f.k.ptx store_i32 1 1 1 "
                                            "32 1 1 s0 i32:3\n");
  Expected<KernelBundle> withScratch = KernelBundle::load(context, scratch);
  ASSERT_TRUE(withScratch) << withScratch.message();
  EXPECT_TRUE(withScratch->run("s", {}, *stream).ok());
  Expected<DeviceBuffer> small = DeviceBuffer::allocate(context, 2);
  ASSERT_TRUE(small);
  EXPECT_EQ(bundle->run("f", {&*small}, *stream).message(),
            "KernelBundle::run: argument 0 of f needs 4 bytes (memref<1xi32>)");
}

TEST_F(KernelBundleFake, CreatesFromMemoryAndRunsOnRawPointers) {
  const std::string manifest = "quant4-nvptx-bundle 1\n"
                               "func f 1\n"
                               "arg 0 4 memref<1xi32>\n"
                               "launch m.ptx store_i32 1 1 1 32 1 1 a0 i32:9\n";
  auto lookup = [](const std::string &name) -> Expected<std::string> {
    if (name == "m.ptx")
      return std::string("// fake ptx\n");
    return Status::error("no image " + name);
  };
  Expected<KernelBundle> bundle =
      KernelBundle::create(context, manifest, lookup);
  ASSERT_TRUE(bundle) << bundle.message();
  Expected<DeviceBuffer> out = DeviceBuffer::allocate(context, 4);
  ASSERT_TRUE(out);
  // The default stream (null) and raw device pointers.
  ASSERT_TRUE(bundle->run(0, {out->get()}, nullptr).ok());
  int32_t value = 0;
  ASSERT_TRUE(out->download(&value, 4).ok());
  EXPECT_EQ(value, 9);
  EXPECT_EQ(bundle->run(1, {out->get()}, nullptr).message(),
            "KernelBundle::run: no function 1");
  EXPECT_EQ(bundle->run(0, {}, nullptr).message(),
            "KernelBundle::run: f takes 1 arguments, got 0");

  std::string other = manifest;
  other.replace(other.find("m.ptx"), 5, "n.ptx");
  EXPECT_EQ(KernelBundle::create(context, other, lookup).message(),
            "no image n.ptx");
  EXPECT_EQ(KernelBundle::create(context, "bundle 2\n", lookup).message(),
            "manifest line 1: expected 'quant4-nvptx-bundle 1': 'bundle 2'");
}

/// The lines of the fake driver's log of what `body` did.
static std::string logged(const std::function<void()> &body) {
  std::string path = ::testing::TempDir() + "fake-cuda.log";
  std::remove(path.c_str());
  setenv("QUANT4_FAKE_CUDA_LOG", path.c_str(), 1);
  body();
  unsetenv("QUANT4_FAKE_CUDA_LOG");
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The fake driver's log of loading `manifest` and running its first
/// function on one 4-byte buffer.
static std::string loadAndRunFirst(const ContextRef &context,
                                   const std::string &manifest) {
  Expected<DeviceBuffer> out = DeviceBuffer::allocate(context, 4);
  EXPECT_TRUE(out);
  if (!out)
    return "";
  return logged([&] {
    Expected<KernelBundle> bundle = KernelBundle::load(context, manifest);
    ASSERT_TRUE(bundle) << bundle.message();
    ASSERT_TRUE(bundle->run(0, {out->get()}, nullptr).ok());
  });
}

TEST_F(KernelBundleFake, LaunchesWithDynamicSharedMemory) {
  write("d.k.ptx", "// fake ptx\n.entry big(.param .u64 p)\n"
                   ".entry small(.param .u64 p)\n.entry none(.param .u64 p)\n");
  // A kernel with dynamic shared memory opts in once, at load (48 KiB is
  // the default for static and dynamic bytes together); each launch passes
  // its bytes to cuLaunchKernel.
  std::string manifest =
      write("d.manifest", "quant4-nvptx-bundle 1\n"
                          "func d 1\n"
                          "arg 0 4 memref<1xi32>\n"
                          "launch d.k.ptx big 1 1 1 256 1 1 shared=98304 a0\n"
                          "launch d.k.ptx small 1 1 1 32 1 1 shared=4096 a0\n"
                          "launch d.k.ptx none 1 1 1 32 1 1 a0\n");
  std::string log = loadAndRunFirst(context, manifest);
  EXPECT_NE(log.find("cuFuncSetAttribute big 8 98304\n"), std::string::npos)
      << log;
  EXPECT_NE(log.find("cuFuncSetAttribute small 8 4096\n"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("cuFuncSetAttribute none"), std::string::npos) << log;
  size_t big = log.find("cuLaunchKernel big grid 1 1 1 block 256 1 1 "
                        "shared 98304 ");
  size_t small = log.find("cuLaunchKernel small grid 1 1 1 block 32 1 1 "
                          "shared 4096 ");
  size_t none = log.find("cuLaunchKernel none grid 1 1 1 block 32 1 1 "
                         "shared 0 ");
  EXPECT_TRUE(big != std::string::npos && small != std::string::npos &&
              none != std::string::npos && big < small && small < none)
      << log;

  // More than the device allows fails the load, naming the CUDA error and
  // the limit.
  manifest =
      write("e.manifest", "quant4-nvptx-bundle 1\n"
                          "func e 0\n"
                          "launch d.k.ptx big 1 1 1 256 1 1 shared=300000\n");
  EXPECT_EQ(KernelBundle::load(context, manifest).message(),
            "d.k.ptx: cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES): "
            "CUDA_ERROR_INVALID_VALUE (kernel big, 300000 bytes of dynamic "
            "shared memory); the device allows 232448 bytes per block");
}

TEST_F(KernelBundleFake, MissingPtxAndKernelAreReported) {
  std::string manifest =
      write("g.manifest", "quant4-nvptx-bundle 1\n"
                          "func g 0\n"
                          "launch g.none.ptx k 1 1 1 1 1 1\n");
  Expected<KernelBundle> bundle = KernelBundle::load(context, manifest);
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.message(), "KernelBundle::load: cannot open " +
                                  ::testing::TempDir() + "g.none.ptx");
  write("h.k.ptx", "// fake ptx\n");
  manifest = write("h.manifest", "quant4-nvptx-bundle 1\nfunc h 0\n"
                                 "launch h.k.ptx nope 1 1 1 1 1 1\n");
  EXPECT_EQ(KernelBundle::load(context, manifest).message(),
            "cuModuleGetFunction: CUDA_ERROR_NOT_FOUND (kernel nope)");
}

} // namespace

TEST_F(KernelBundleFake, LaunchesProgrammaticDependents) {
  write("p.k.ptx", "// fake ptx\n.entry first(.param .u64 p)\n"
                   ".entry second(.param .u64 p)\n");
  // `pdl` (after shared=, if any) launches through cuLaunchKernelEx with
  // programmatic stream serialization; other launches stay on
  // cuLaunchKernel.
  std::string manifest =
      write("p.manifest", "quant4-nvptx-bundle 1\n"
                          "func p 1\n"
                          "arg 0 4 memref<1xi32>\n"
                          "launch p.k.ptx first 2 1 1 32 1 1 a0\n"
                          "launch p.k.ptx second 3 1 1 64 1 1 shared=1024 "
                          "pdl a0\n");
  std::string log = loadAndRunFirst(context, manifest);
  size_t first = log.find("cuLaunchKernel first grid 2 1 1 block 32 1 1 "
                          "shared 0 ");
  size_t second = log.find("cuLaunchKernel second pdl grid 3 1 1 block 64 1 "
                           "1 shared 1024 ");
  EXPECT_TRUE(first != std::string::npos && second != std::string::npos &&
              first < second)
      << log;
  EXPECT_EQ(log.find("first pdl"), std::string::npos) << log;

  // pdl is a flag word: anything else there is read as a bad operand.
  manifest =
      write("q.manifest", "quant4-nvptx-bundle 1\n"
                          "func q 1\n"
                          "arg 0 4 memref<1xi32>\n"
                          "launch p.k.ptx first 1 1 1 32 1 1 pdl=1 a0\n");
  EXPECT_NE(KernelBundle::load(context, manifest)
                .message()
                .find("bad operand 'pdl=1'"),
            std::string::npos);
}
