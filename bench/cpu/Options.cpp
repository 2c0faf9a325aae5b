//===- Options.cpp - command line of q4-bench-cpu-matmul ------------------===//

#include "Options.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace quant4::bench;

namespace {

const char *kUsage =
    "usage: q4-bench-cpu-matmul --ggml-dir DIR [--ggml-cpu VARIANT]\n"
    "  [--formats q4_k,mxfp4] [--shapes 4096x4096,11008x4096,...] (N x K)\n"
    "  [--m 1,8,32,512] [--threads 1,2] [--reps R] [--budget S]\n"
    "  [--q4-reps R] [--q4-budget S] [--q4-max-m M] [--q4-flush-max-s S]\n"
    "  [--rounds R]"
    "  [--q4-activations f32|q8_k]"
    "  [--flush-mb MB]"
    "  [--bandwidth-mb MB] [--bandwidth-passes P] [--bandwidth-chunk-kb KB]\n";

std::vector<std::string> split(const std::string &text, char sep) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, sep);)
    parts.push_back(part);
  return parts;
}

template <typename T> std::vector<T> integers(const std::string &text) {
  std::vector<T> values;
  for (const std::string &part : split(text, ','))
    values.push_back(T(std::atoll(part.c_str())));
  return values;
}

std::vector<Shape> shapes(const std::string &text) {
  std::vector<Shape> values;
  for (const std::string &part : split(text, ',')) {
    long long n = 0, k = 0;
    if (std::sscanf(part.c_str(), "%lldx%lld", &n, &k) != 2)
      n = k = 0;
    values.push_back({n, k});
  }
  return values;
}

} // namespace

bool quant4::bench::parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--ggml-dir")
      options.ggmlDir = value;
    else if (flag == "--ggml-cpu")
      options.ggmlCpu = value;
    else if (flag == "--formats")
      options.formats = split(value, ',');
    else if (flag == "--shapes")
      options.shapes = shapes(value);
    else if (flag == "--m")
      options.ms = integers<int64_t>(value);
    else if (flag == "--threads")
      options.threads = integers<int>(value);
    else if (flag == "--reps")
      options.ggml.maxRuns = std::atoi(value.c_str());
    else if (flag == "--budget")
      options.ggml.budgetSeconds = std::atof(value.c_str());
    else if (flag == "--q4-reps")
      options.quant4.maxRuns = std::atoi(value.c_str());
    else if (flag == "--q4-budget")
      options.quant4.budgetSeconds = std::atof(value.c_str());
    else if (flag == "--rounds")
      options.rounds = std::atoi(value.c_str());
    else if (flag == "--q4-flush-max-s")
      options.quant4FlushMaxSeconds = std::atof(value.c_str());
    else if (flag == "--q4-activations")
      options.quant4Activations = value;
    else if (flag == "--q4-max-m")
      options.quant4MaxM = std::atoll(value.c_str());
    else if (flag == "--flush-mb")
      options.flushBytes = size_t(std::atoll(value.c_str())) << 20;
    else if (flag == "--bandwidth-mb")
      options.bandwidthBytes = size_t(std::atoll(value.c_str())) << 20;
    else if (flag == "--bandwidth-passes")
      options.bandwidthPasses = std::atoi(value.c_str());
    else if (flag == "--bandwidth-chunk-kb")
      options.bandwidthChunk = size_t(std::atoll(value.c_str())) << 10;
    else {
      std::fprintf(stderr, "unknown option %s\n%s", flag.c_str(), kUsage);
      return false;
    }
  }
  if (argc % 2 == 0 || options.ggmlDir.empty()) {
    std::fputs(kUsage, stderr);
    return false;
  }
  if (options.quant4Activations != "f32" &&
      options.quant4Activations != "q8_k") {
    std::fprintf(stderr, "bad --q4-activations\n%s", kUsage);
    return false;
  }
  if (options.rounds < 1) {
    std::fprintf(stderr, "bad --rounds\n%s", kUsage);
    return false;
  }
  for (const Shape &shape : options.shapes)
    if (shape.n <= 0 || shape.k <= 0) {
      std::fprintf(stderr, "bad --shapes\n%s", kUsage);
      return false;
    }
  return true;
}
