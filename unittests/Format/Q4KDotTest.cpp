//===- Q4KDotTest.cpp - Q4_K x Q8_K gemv against ggml's golden gemv -------===//

#include "Golden.h"

#include "Format/GgmlBlocks.h"
#include "Format/Q4KDot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace quant4;
using namespace quant4::format;

namespace {

TEST(Q4KDotGolden, GemvMatchesGgmlAndTheExactReference) {
  const int64_t k = 4096, m = 4096;
  std::vector<uint8_t> w =
      golden::bytes("q4k", "gemv_W_4096x4096.q4k", m * k / 256 * 144);
  std::vector<uint8_t> x =
      golden::bytes("q4k", "gemv_x_4096.q8k", k / 256 * kQ8KBlockBytes);
  std::vector<float> ggml = golden::floats("q4k", "gemv_y_ggml_4096.f32", m);
  std::vector<uint8_t> refBytes =
      golden::bytes("q4k", "gemv_y_ref_q8k_f64_4096.f64", m * 8);
  ASSERT_FALSE(w.empty() || x.empty() || refBytes.empty());
  std::vector<double> ref(static_cast<size_t>(m));
  std::memcpy(ref.data(), refBytes.data(), refBytes.size());

  std::vector<float> y(static_cast<size_t>(m));
  gemvQ4KQ8K(w.data(), m, x.data(), k, y.data());
  double maxVsGgml = 0, maxVsRef = 0;
  for (int64_t r = 0; r < m; ++r) {
    maxVsGgml = std::max(maxVsGgml, std::fabs(double(y[r]) - ggml[r]));
    maxVsRef = std::max(maxVsRef, std::fabs(double(y[r]) - ref[r]));
  }
  // ggml's own result is within 1.7e-6 of the exact value (MANIFEST); only
  // the float32 accumulation order differs between ggml's kernels and ours.
  EXPECT_LT(maxVsRef, 4e-6);
  EXPECT_LT(maxVsGgml, 4e-6);
}

} // namespace
