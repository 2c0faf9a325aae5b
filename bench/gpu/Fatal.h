//===- Fatal.h - How the GPU bench programs stop on an error ----*- C++ -*-===//
//
// Every failure the bench programs do not report as a FAIL row ends the
// program: a message naming the program on stderr and exit status 2.
// orDie unwraps lib/Runtime's and lib/Format's Expected<T> and Status.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_GPU_FATAL_H
#define QUANT4_BENCH_GPU_FATAL_H

#include "Format/Expected.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace quant4::bench {

[[noreturn]] inline void die(const std::string &message) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name,
               message.c_str());
  std::exit(2);
}

template <typename T> T orDie(format::Expected<T> value) {
  if (!value)
    die(value.message());
  return value.take();
}

inline void orDie(const format::Status &status) {
  if (!status)
    die(status.message());
}

} // namespace quant4::bench

#endif // QUANT4_BENCH_GPU_FATAL_H
