//===- GoldenCoverageTest.cpp - Every golden file belongs to a tested case ===//
//
// The golden tests iterate the cases of each MANIFEST.txt; this test makes
// sure no file in the golden directories escapes them (a case missing from
// the manifest parser would otherwise go untested silently).
//
//===----------------------------------------------------------------------===//

#include "Golden.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

using namespace quant4;

namespace {

void expectEveryFileCovered(const std::string &dir,
                            const std::set<std::string> &extraFiles) {
  std::set<std::string> caseNames;
  for (const golden::Case &c : golden::cases(dir))
    caseNames.insert(c.name);
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(
           std::filesystem::path(QUANT4_GOLDEN_DIR) / dir)) {
    std::string name = entry.path().filename().string();
    ++files;
    if (name == "MANIFEST.txt" || extraFiles.count(name))
      continue;
    std::string caseName = name.substr(0, name.find('.'));
    EXPECT_TRUE(caseNames.count(caseName))
        << dir << "/" << name << " belongs to no manifest case";
  }
  EXPECT_GT(files, 1) << dir;
}

TEST(GoldenCoverage, Q4K) {
  expectEveryFileCovered("q4k", {"gemv_W_4096x4096.q4k", "gemv_x_4096.f32",
                                 "gemv_x_4096.q8k", "gemv_y_ggml_4096.f32",
                                 "gemv_y_ref_f64_4096.f64",
                                 "gemv_y_ref_q8k_f64_4096.f64"});
}

TEST(GoldenCoverage, NF4) {
  expectEveryFileCovered("nf4",
                         {"nf4_codebook.f32", "dynamic_map_signed8.f32"});
}

TEST(GoldenCoverage, MXFP4) { expectEveryFileCovered("mxfp4", {}); }

} // namespace
