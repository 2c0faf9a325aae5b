//===- main.cpp - q4-quant: quantize, dequantize, inspect, convert --------===//
//
// Dispatches to the subcommands listed in kCommands.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include <cstdio>
#include <cstring>

using namespace quant4::tool;

namespace {

struct Subcommand {
  const char *name;
  /// One line for "q4-quant --help".
  const char *summary;
  /// Full usage text for "q4-quant NAME --help".
  const char *const *help;
  CommandFn run;
};

// The subcommand table. To add one, declare its function and help text in
// Commands.h, define them in a <Topic>Commands.cpp of this directory and add
// a row here (e.g. ModelCommands.cpp: inspect, convert).
const Subcommand kCommands[] = {
    {"quantize", "float32 tensor -> q4_k / nf4 / mxfp4 blocks", &kQuantizeHelp,
     runQuantize},
    {"dequantize", "q4_k / nf4 / mxfp4 blocks -> float32 tensor",
     &kDequantizeHelp, runDequantize},
    {"inspect", "tensors and metadata of a GGUF / safetensors file",
     &kInspectHelp, runInspect},
    {"convert", "re-quantize or re-container a GGUF / safetensors model",
     &kConvertHelp, runConvert},
};

void printUsage(std::FILE *out) {
  std::fprintf(out, "usage: q4-quant <command> [options]\n\ncommands:\n");
  for (const Subcommand &c : kCommands)
    std::fprintf(out, "  %-12s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'q4-quant <command> --help' for its options.\n");
}

} // namespace

namespace quant4::tool {
int fail(const std::string &message) {
  std::fprintf(stderr, "q4-quant: error: %s\n", message.c_str());
  return 1;
}
} // namespace quant4::tool

int main(int argc, char **argv) {
  if (argc < 2) {
    printUsage(stderr);
    return 1;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    printUsage(stdout);
    return 0;
  }
  for (const Subcommand &c : kCommands) {
    if (std::strcmp(argv[1], c.name))
      continue;
    for (int i = 2; i < argc; ++i) {
      if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
        std::fputs(*c.help, stdout);
        return 0;
      }
    }
    return c.run(argc - 2, argv + 2);
  }
  return fail(std::string("unknown command '") + argv[1] +
              "' (see q4-quant --help)");
}
