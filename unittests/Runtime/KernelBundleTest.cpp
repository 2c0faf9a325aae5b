//===- KernelBundleTest.cpp - Manifest parsing, bundle runs on the fake ---===//

#include "Runtime/KernelBundle.h"
#include "FakeCudaFixture.h"

#include <fstream>

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
