//===- Reference.cpp - float64 references for sampled output rows ---------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>

using namespace quant4::bench;

Reference quant4::bench::computeReference(const WeightFormat &format,
                                          const uint8_t *w, const float *x,
                                          int64_t n, int64_t k, int64_t m) {
  Reference ref;
  ref.rows = m > 1 ? std::vector<int64_t>{0, m - 1} : std::vector<int64_t>{0};
  ref.n = n;
  std::vector<std::vector<float>> rounded;
  for (int64_t row : ref.rows)
    rounded.push_back(roundLikeGgml(format, x + row * k, k));
  ref.exact.assign(ref.rows.size() * size_t(n), 0);
  ref.ggmlLike.assign(ref.rows.size() * size_t(n), 0);
  int64_t bytes = rowBytes(format, k);
  std::vector<float> weights(static_cast<size_t>(k));
  for (int64_t col = 0; col < n; ++col) {
    (void)format::dequantize(format.spec, w + col * bytes, k, weights.data());
    for (size_t r = 0; r < ref.rows.size(); ++r) {
      const float *xr = x + ref.rows[r] * k;
      double exact = 0, like = 0;
      for (int64_t i = 0; i < k; ++i) {
        exact += double(weights[size_t(i)]) * xr[i];
        like += double(weights[size_t(i)]) * rounded[r][size_t(i)];
      }
      ref.exact[r * size_t(n) + size_t(col)] = exact;
      ref.ggmlLike[r * size_t(n) + size_t(col)] = like;
    }
  }
  return ref;
}

namespace {
double maxAbs(const std::vector<double> &values) {
  double m = 0;
  for (double v : values)
    m = std::max(m, std::fabs(v));
  return m;
}
} // namespace

double quant4::bench::relativeError(const Reference &ref,
                                    const std::vector<double> &expected,
                                    const float *y) {
  double worst = 0;
  for (size_t r = 0; r < ref.rows.size(); ++r)
    for (int64_t col = 0; col < ref.n; ++col)
      worst =
          std::max(worst, std::fabs(y[ref.rows[r] * ref.n + col] -
                                    expected[r * size_t(ref.n) + size_t(col)]));
  return worst / maxAbs(expected);
}

double quant4::bench::relativeDifference(const Reference &ref, const float *a,
                                         const float *b) {
  double worst = 0;
  for (int64_t row : ref.rows)
    for (int64_t col = 0; col < ref.n; ++col)
      worst = std::max(worst, std::fabs(double(a[row * ref.n + col]) -
                                        b[row * ref.n + col]));
  return worst / maxAbs(ref.exact);
}
