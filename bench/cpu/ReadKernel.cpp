//===- ReadKernel.cpp - a STREAM-like read kernel -------------------------===//

#include "ReadKernel.h"

uint64_t quant4::bench::sumWords(const uint64_t *words, size_t count) {
  constexpr size_t kLanes = 16; // two cache lines per iteration
  uint64_t acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes)
    for (size_t l = 0; l < kLanes; ++l)
      acc[l] += words[i + l];
  uint64_t sum = 0;
  for (; i < count; ++i)
    sum += words[i];
  for (uint64_t a : acc)
    sum += a;
  return sum;
}
