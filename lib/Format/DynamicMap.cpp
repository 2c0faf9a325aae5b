//===- DynamicMap.cpp - bitsandbytes' 8-bit dynamic map -------------------===//

#include "Format/DynamicMap.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

namespace quant4::format {

namespace {

/// torch.linspace(start, end, steps) in float32 exactly as the PyTorch CPU
/// build that produced bitsandbytes' map computes it (its AVX2 kernel built
/// by gcc, which fuses a + b * c): elements below steps/2 count up from
/// `start`, the others down from `end`, each anchor value as one fused
/// multiply-add; whole pairs of 8-wide vectors then add i * step (unfused) to
/// the anchor of their first element, the remainder is anchored per element.
std::vector<float> linspace(float start, float end, int steps) {
  std::vector<float> out(steps);
  const float step = (end - start) / float(steps - 1);
  const int halfway = steps / 2;
  auto anchor = [&](int i) {
    return i < halfway ? std::fma(step, float(i), start)
                       : std::fma(-step, float(steps - i - 1), end);
  };
  constexpr int kVector = 8;
  int i = 0;
  for (; i + 2 * kVector <= steps; i += 2 * kVector) {
    for (int v = i; v < i + 2 * kVector; v += kVector) {
      float base = anchor(v);
      for (int k = 0; k < kVector; ++k)
        out[v + k] = base + float(k) * step;
    }
  }
  for (; i < steps; ++i)
    out[i] = anchor(i);
  return out;
}

DynamicMap buildSignedDynamicMap() {
  const int maxExponentBits = 7;
  std::vector<float> data;
  for (int i = 0; i < maxExponentBits; ++i) {
    int fractionItems = (1 << i) + 1;
    std::vector<float> bounds = linspace(0.1f, 1.0f, fractionItems);
    auto scale = float(std::pow(10.0, -(maxExponentBits - 1) + i));
    std::vector<float> means;
    for (int k = 0; k + 1 < fractionItems; ++k)
      means.push_back((bounds[k] + bounds[k + 1]) / 2.0f);
    for (float m : means)
      data.push_back(scale * m);
    for (float m : means)
      data.push_back(-scale * m);
  }
  data.push_back(0.0f);
  data.push_back(1.0f);
  std::sort(data.begin(), data.end());
  DynamicMap map{};
  std::copy(data.begin(), data.end(), map.begin());
  return map;
}

/// The map quantize_cpu searches and later dequantizes with.
DynamicMap searchMap() {
  DynamicMap map = signedDynamicMap();
  map[0] = -1.0f;
  return map;
}

/// bitsandbytes' CPU search: a table of 65536 points evenly spaced over
/// [-1, 1], each holding the index of the map entry closest to it (the lower
/// one on ties); a value uses the entry of the point nearest to it. This is
/// not always the entry closest to the value itself.
class SearchTable {
public:
  explicit SearchTable(const DynamicMap &map) : table_(kPoints) {
    for (int k = 0; k < kPoints; ++k) {
      double point = -1.0 + 2.0 * k / (kPoints - 1);
      int best = 0;
      for (int i = 1; i < 256; ++i)
        if (std::fabs(point - map[i]) < std::fabs(point - map[best]))
          best = i;
      table_[k] = uint8_t(best);
    }
  }
  uint8_t lookup(float v) const {
    double clamped = std::clamp(double(v), -1.0, 1.0);
    auto k = long(std::lround((clamped + 1.0) * 0.5 * (kPoints - 1)));
    return table_[size_t(k)];
  }

private:
  static constexpr int kPoints = 65536;
  std::vector<uint8_t> table_;
};

} // namespace

const DynamicMap &signedDynamicMap() {
  static const DynamicMap map = buildSignedDynamicMap();
  return map;
}

void quantizeBlockwise8(const float *x, int64_t n, int64_t blockSize,
                        uint8_t *q, float *absmax) {
  static const SearchTable table(searchMap());
  for (int64_t start = 0, b = 0; start < n; start += blockSize, ++b) {
    int64_t end = std::min(n, start + blockSize);
    float am = -FLT_MAX;
    for (int64_t i = start; i < end; ++i)
      am = std::fmax(am, std::fabs(x[i]));
    absmax[b] = am;
    for (int64_t i = start; i < end; ++i)
      q[i] = table.lookup(x[i] / am);
  }
}

void dequantizeBlockwise8(const uint8_t *q, const float *absmax, int64_t n,
                          int64_t blockSize, float *y) {
  static const DynamicMap map = searchMap();
  for (int64_t i = 0; i < n; ++i)
    y[i] = map[q[i]] * absmax[i / blockSize];
}

} // namespace quant4::format
