//===- FuzzCheck.h - Property checks inside fuzz targets --------*- C++ -*-===//
#ifndef QUANT4_FUZZ_FUZZCHECK_H
#define QUANT4_FUZZ_FUZZCHECK_H

#include "Format/ByteBuffer.h"

#include <cstdio>
#include <cstdlib>

/// Reports a broken property and aborts, so libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, \
                   __LINE__);                                                  \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

/// Reads every byte of `span` (ASan reports any that lie outside the input).
inline unsigned touch(quant4::format::ByteSpan span) {
  unsigned sum = 0;
  for (uint8_t b : span)
    sum += b;
  return sum;
}

#endif // QUANT4_FUZZ_FUZZCHECK_H
