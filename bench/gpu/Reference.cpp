//===- Reference.cpp - float64 matmul reference ---------------------------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace quant4::bench {

std::vector<double> matmulReference(const std::vector<float> &x,
                                    const std::vector<float> &w, int64_t m,
                                    int64_t n, int64_t k) {
  std::vector<double> y(m * n);
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < workers; ++t)
    threads.emplace_back([&, t] {
      for (int64_t j = t; j < n; j += workers)
        for (int64_t i = 0; i < m; ++i) {
          double sum = 0;
          const float *xr = &x[i * k], *wr = &w[j * k];
          for (int64_t l = 0; l < k; ++l)
            sum += double(xr[l]) * double(wr[l]);
          y[i * n + j] = sum;
        }
    });
  for (std::thread &thread : threads)
    thread.join();
  return y;
}

double relativeError(const std::vector<float> &y,
                     const std::vector<double> &ref) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i]))
      return std::numeric_limits<double>::infinity();
    diff += (y[i] - ref[i]) * (y[i] - ref[i]);
    norm += ref[i] * ref[i];
  }
  return std::sqrt(diff / norm);
}

} // namespace quant4::bench
