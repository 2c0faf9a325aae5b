//===- ModelCommands.cpp - q4-quant inspect / convert ---------------------===//
//
//   q4-quant inspect [--json] FILE
//   q4-quant convert IN OUT [--format q4_k|nf4|mxfp4 [options]]
//
// The logic lives in lib/Format (ModelInspect.h, ModelConvert.h).
//
//===----------------------------------------------------------------------===//

#include "Args.h"
#include "Commands.h"

#include "Format/ModelConvert.h"
#include "Format/ModelInspect.h"
#include "Format/NF4.h"

#include <charconv>
#include <cstdio>
#include <unistd.h>

using namespace quant4::format;

namespace quant4::tool {

const char *const kInspectHelp =
    "usage: q4-quant inspect [--json] FILE\n"
    "\n"
    "Prints the tensors (name, type, shape, bytes, offset) and the metadata\n"
    "of a GGUF or safetensors file (detected from its first bytes). For\n"
    "safetensors, bitsandbytes NF4 and gpt-oss MXFP4 tensor groups are listed\n"
    "with their logical shape and planes.\n"
    "\n"
    "  --json            one JSON object instead of text (GGUF shapes as\n"
    "                    \"ne\", innermost first, and as row-major \"shape\")\n"
    "  --max-array N     text: array elements shown per metadata value (16;\n"
    "                    0 = all)\n";

const char *const kConvertHelp =
    "usage: q4-quant convert IN OUT [--format q4_k|nf4|mxfp4 [options]]\n"
    "\n"
    "Reads a GGUF or safetensors model and writes OUT (.gguf or .safetensors,\n"
    "from its extension). With --format, every 2-D F32/F16/BF16 tensor whose\n"
    "rows are a whole number of blocks is quantized; all other tensors and\n"
    "the metadata are copied unchanged. Without --format, tensors are copied\n"
    "(a container conversion; a GGUF MXFP4 tensor becomes gpt-oss\n"
    "NAME.blocks / NAME.scales in safetensors, the same codes re-laid out).\n"
    "\n"
    "  --format q4_k     GGUF only: GGML_TYPE_Q4_K (rows a multiple of 256)\n"
    "  --format nf4      safetensors only: bitsandbytes tensors\n"
    "    --block N       values per block: 32..4096, a power of two (64)\n"
    "    --double-quant  quantize absmax to 8 bits (256 per nested block)\n"
    "  --format mxfp4    GGUF: GGML_TYPE_MXFP4; safetensors: gpt-oss\n"
    "                    NAME.blocks / NAME.scales\n"
    "    --rule R        ggml | ocp | optimal (ocp)\n"
    "\n"
    "A progress bar is drawn on stderr when it is a terminal.\n";

int runInspect(int argc, char **argv) {
  Args args;
  args.flag("--json").option("--max-array");
  if (Status s = args.parse(argc, argv); !s)
    return fail(s.message());
  if (args.positional().size() != 1)
    return fail("inspect needs exactly one FILE");
  InspectOptions options;
  options.json = args.has("--json");
  if (std::optional<std::string> max = args.get("--max-array")) {
    auto [end, ec] = std::from_chars(max->data(), max->data() + max->size(),
                                     options.maxArrayElements);
    if (ec != std::errc() || end != max->data() + max->size())
      return fail("invalid --max-array '" + *max + "'");
  }
  Expected<std::string> text = inspectModelFile(args.positional()[0], options);
  if (!text)
    return fail(text.message());
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

namespace {

Status parseSpec(const Args &args, FormatSpec &spec) {
  std::string name = *args.get("--format");
  if (name == "q4_k")
    spec = FormatSpec::q4k();
  else if (name == "nf4")
    spec = FormatSpec::nf4();
  else if (name == "mxfp4")
    spec = FormatSpec::mxfp4();
  else
    return Status::error("unknown --format '" + name +
                         "' (q4_k, nf4 or mxfp4)");
  bool nf4 = spec.kind == FormatKind::NF4;
  if ((args.has("--block") || args.has("--double-quant")) && !nf4)
    return Status::error("--block and --double-quant need --format nf4");
  if (args.has("--rule") && spec.kind != FormatKind::MXFP4)
    return Status::error("--rule needs --format mxfp4");
  if (std::optional<std::string> block = args.get("--block")) {
    auto [end, ec] = std::from_chars(
        block->data(), block->data() + block->size(), spec.nf4BlockSize);
    if (ec != std::errc() || end != block->data() + block->size() ||
        !isValidNF4BlockSize(spec.nf4BlockSize))
      return Status::error("invalid --block '" + *block +
                           "' (a power of two from 32 to 4096)");
  }
  spec.nf4DoubleQuant = args.has("--double-quant");
  if (std::optional<std::string> rule = args.get("--rule")) {
    std::optional<MXFP4Rule> r = parseMXFP4Rule(*rule);
    if (!r)
      return Status::error("unknown --rule '" + *rule +
                           "' (ggml, ocp or optimal)");
    spec.mxfp4Rule = *r;
  }
  return Status::success();
}

/// "\r[#####.....] 3/10 name" on stderr.
void drawProgress(size_t done, size_t total, const std::string &name) {
  constexpr size_t kWidth = 30;
  size_t filled = total ? done * kWidth / total : kWidth;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::string label =
      name.size() > 40 ? "..." + name.substr(name.size() - 37) : name;
  std::fprintf(stderr, "\r[%s] %zu/%zu %-40s", bar.c_str(), done, total,
               label.c_str());
  if (done == total)
    std::fputc('\n', stderr);
  std::fflush(stderr);
}

} // namespace

int runConvert(int argc, char **argv) {
  Args args;
  args.option("--format")
      .option("--block")
      .flag("--double-quant")
      .option("--rule");
  if (Status s = args.parse(argc, argv); !s)
    return fail(s.message());
  if (args.positional().size() != 2)
    return fail("convert needs IN and OUT");
  ConvertOptions options;
  if (args.has("--format")) {
    FormatSpec spec;
    if (Status s = parseSpec(args, spec); !s)
      return fail(s.message());
    options.format = spec;
  } else if (args.has("--block") || args.has("--double-quant") ||
             args.has("--rule")) {
    return fail("--block, --double-quant and --rule need --format");
  }
  if (isatty(STDERR_FILENO))
    options.progress = drawProgress;
  Expected<ConvertReport> report =
      convertModel(args.positional()[0], args.positional()[1], options);
  if (!report)
    return fail(report.message());
  std::printf("%zu tensors quantized, %zu copied\n", report->quantized.size(),
              report->copied.size());
  return 0;
}

} // namespace quant4::tool
