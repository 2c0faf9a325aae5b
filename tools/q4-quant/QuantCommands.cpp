//===- QuantCommands.cpp - q4-quant quantize / dequantize -----------------===//
//
// Raw little-endian files without headers:
//   q4-quant quantize   --format F --shape R,C [options] IN.f32 -o OUT
//   q4-quant dequantize --format F --shape R,C [options] IN -o OUT.f32
//
//===----------------------------------------------------------------------===//

#include "Args.h"
#include "Commands.h"

#include "Format/Codec.h"
#include "Format/FastDequant.h"
#include "Format/GgmlBlocks.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"
#include "Format/RawFile.h"

#include <charconv>
#include <cstring>

using namespace quant4::format;

namespace quant4::tool {

const char *const kQuantizeHelp =
    "usage: q4-quant quantize --format q4_k|nf4|mxfp4 --shape R,C [options] "
    "IN.f32 -o OUT\n"
    "\n"
    "Quantizes a raw little-endian float32 tensor (row-major, no header).\n"
    "\n"
    "  --format q4_k     OUT: the block_q4_K array (144 bytes per 256 values;\n"
    "                    C must be a multiple of 256), ggml-exact.\n"
    "  --format nf4      OUT: packed codes (first element in the high "
    "nibble),\n"
    "                    bitsandbytes-exact; blocks run over the flat tensor.\n"
    "    --block N       values per block: 32..4096, a power of two (64)\n"
    "    --absmax FILE   float32 absmax per block (required without\n"
    "                    --double-quant)\n"
    "    --double-quant  quantize absmax to 8 bits (256 per nested block)\n"
    "    --nested PREFIX with --double-quant: PREFIX.qabsmax.u8,\n"
    "                    PREFIX.absmax2.f32 and PREFIX.offset.f32\n"
    "  --format mxfp4    32-value blocks (C must be a multiple of 32).\n"
    "    --rule R        ggml | ocp | optimal (ocp)\n"
    "    --layout L      ggml: 17-byte blocks {e, qs[16]} in OUT;\n"
    "                    hf: 16-byte blocks in OUT and E8M0 scales in\n"
    "                    --scales FILE (ggml)\n";

const char *const kDequantizeHelp =
    "usage: q4-quant dequantize --format q4_k|nf4|mxfp4 --shape R,C "
    "[options] IN -o OUT.f32\n"
    "\n"
    "Dequantizes the files written by 'q4-quant quantize' (same options;\n"
    "--absmax, --nested and --scales are read instead of written; --rule is\n"
    "accepted and ignored) into a raw float32 tensor.\n";

namespace {

/// Everything a quantize / dequantize invocation asks for.
struct Request {
  FormatSpec spec;
  int64_t numel = 0;
  std::string input, output;
  std::optional<std::string> absmax, nested, scales;
};

Status parseBlockSize(const std::string &text, int64_t &block) {
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), block);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !isValidNF4BlockSize(block))
    return Status::error("invalid --block '" + text +
                         "' (a power of two from 32 to 4096)");
  return Status::success();
}

/// Options that only make sense for one format.
Status checkFormatOnly(const Args &args, FormatKind kind) {
  struct Owned {
    const char *option;
    FormatKind kind;
  };
  static const Owned owned[] = {
      {"--block", FormatKind::NF4},        {"--absmax", FormatKind::NF4},
      {"--double-quant", FormatKind::NF4}, {"--nested", FormatKind::NF4},
      {"--rule", FormatKind::MXFP4},       {"--layout", FormatKind::MXFP4},
      {"--scales", FormatKind::MXFP4}};
  for (const Owned &o : owned)
    if (args.has(o.option) && o.kind != kind)
      return Status::error(std::string(o.option) + " is only valid with " +
                           "--format " +
                           (o.kind == FormatKind::NF4 ? "nf4" : "mxfp4"));
  return Status::success();
}

Status parseNF4(const Args &args, Request &req) {
  if (auto block = args.get("--block"))
    if (Status s = parseBlockSize(*block, req.spec.nf4BlockSize); !s)
      return s;
  req.spec.nf4DoubleQuant = args.has("--double-quant");
  req.absmax = args.get("--absmax");
  req.nested = args.get("--nested");
  if (req.spec.nf4DoubleQuant) {
    if (!req.nested)
      return Status::error("--double-quant needs --nested PREFIX");
    if (req.absmax)
      return Status::error("--absmax cannot be combined with --double-quant "
                           "(absmax is stored in the --nested files)");
    return Status::success();
  }
  if (req.nested)
    return Status::error("--nested needs --double-quant");
  if (!req.absmax)
    return Status::error("--format nf4 needs --absmax FILE");
  return Status::success();
}

Status parseMXFP4(const Args &args, Request &req) {
  if (auto rule = args.get("--rule")) {
    std::optional<MXFP4Rule> r = parseMXFP4Rule(*rule);
    if (!r)
      return Status::error("unknown --rule '" + *rule +
                           "' (ggml, ocp or optimal)");
    req.spec.mxfp4Rule = *r;
  }
  if (auto layout = args.get("--layout")) {
    std::optional<MXFP4Layout> l = parseMXFP4Layout(*layout);
    if (!l)
      return Status::error("unknown --layout '" + *layout + "' (ggml or hf)");
    req.spec.mxfp4Layout = *l;
  }
  req.scales = args.get("--scales");
  if (req.spec.mxfp4Layout == MXFP4Layout::HF && !req.scales)
    return Status::error("--layout hf needs --scales FILE");
  if (req.spec.mxfp4Layout == MXFP4Layout::GGML && req.scales)
    return Status::error("--scales is only valid with --layout hf");
  return Status::success();
}

Status parseRequest(int argc, char **argv, Request &req) {
  Args args;
  args.option("--format")
      .option("--shape")
      .option("-o")
      .option("--block")
      .option("--absmax")
      .option("--nested")
      .option("--rule")
      .option("--layout")
      .option("--scales")
      .flag("--double-quant");
  if (Status s = args.parse(argc, argv); !s)
    return s;

  std::optional<std::string> format = args.get("--format");
  if (!format)
    return Status::error("missing --format (q4_k, nf4 or mxfp4)");
  if (*format == "q4_k")
    req.spec = FormatSpec::q4k();
  else if (*format == "nf4")
    req.spec = FormatSpec::nf4();
  else if (*format == "mxfp4")
    req.spec = FormatSpec::mxfp4();
  else
    return Status::error("unknown --format '" + *format +
                         "' (q4_k, nf4 or mxfp4)");
  if (Status s = checkFormatOnly(args, req.spec.kind); !s)
    return s;

  std::optional<std::string> shape = args.get("--shape");
  if (!shape)
    return Status::error("missing --shape R,C");
  std::vector<int64_t> dims;
  if (Status s = parseShape(*shape, dims); !s)
    return s;
  if (Status s = shapeElements(dims, req.numel); !s)
    return s;
  if (req.spec.kind != FormatKind::NF4) {
    int64_t block = layoutOf(req.spec).blockSize;
    if (dims.back() % block != 0)
      return Status::error("shape " + *shape + " does not fit " + *format +
                           ": the last dimension must be a multiple of " +
                           std::to_string(block));
  }

  if (args.positional().size() != 1)
    return Status::error(args.positional().empty()
                             ? "missing input file"
                             : "expected one input file, got " +
                                   std::to_string(args.positional().size()));
  req.input = args.positional()[0];
  std::optional<std::string> output = args.get("-o");
  if (!output)
    return Status::error("missing -o OUTPUT");
  req.output = *output;

  if (req.spec.kind == FormatKind::NF4)
    return parseNF4(args, req);
  if (req.spec.kind == FormatKind::MXFP4)
    return parseMXFP4(args, req);
  return Status::success();
}

template <typename T>
Status writeVector(const std::string &path, const std::vector<T> &v) {
  return writeRawFile(path, v.data(), int64_t(v.size() * sizeof(T)));
}

Status quantizeNF4Files(const Request &req, const std::vector<float> &x) {
  int64_t blocks = nf4NumBlocks(req.numel, req.spec.nf4BlockSize);
  std::vector<uint8_t> codes(size_t(nf4CodeBytes(req.numel)));
  std::vector<float> absmax(static_cast<size_t>(blocks));
  if (Status s = quantizeNF4(x.data(), req.numel, req.spec.nf4BlockSize,
                             codes.data(), absmax.data());
      !s)
    return s;
  if (Status s = writeVector(req.output, codes); !s)
    return s;
  if (!req.spec.nf4DoubleQuant)
    return writeVector(*req.absmax, absmax);
  NF4NestedAbsmax nested = compressAbsmax(absmax.data(), blocks);
  if (Status s = writeVector(*req.nested + ".qabsmax.u8", nested.qabsmax); !s)
    return s;
  if (Status s = writeVector(*req.nested + ".absmax2.f32", nested.absmax2); !s)
    return s;
  return writeRawFile(*req.nested + ".offset.f32", &nested.offset,
                      sizeof(float));
}

Status readNF4Absmax(const Request &req, int64_t blocks,
                     std::vector<float> &absmax) {
  if (!req.spec.nf4DoubleQuant)
    return readFloatFile(*req.absmax, blocks, absmax);
  std::vector<uint8_t> q;
  std::vector<float> absmax2, offset;
  if (Status s = readRawFile(*req.nested + ".qabsmax.u8", q, blocks); !s)
    return s;
  if (Status s = readFloatFile(*req.nested + ".absmax2.f32",
                               nf4NumBlocks(blocks, kNF4NestedBlock), absmax2);
      !s)
    return s;
  if (Status s = readFloatFile(*req.nested + ".offset.f32", 1, offset); !s)
    return s;
  absmax.resize(size_t(blocks));
  decompressAbsmax(q.data(), absmax2.data(), offset[0], blocks, absmax.data());
  return Status::success();
}

Status dequantizeNF4Files(const Request &req, std::vector<float> &y) {
  int64_t blocks = nf4NumBlocks(req.numel, req.spec.nf4BlockSize);
  std::vector<uint8_t> codes;
  if (Status s = readRawFile(req.input, codes, nf4CodeBytes(req.numel)); !s)
    return s;
  std::vector<float> absmax;
  if (Status s = readNF4Absmax(req, blocks, absmax); !s)
    return s;
  y.resize(static_cast<size_t>(req.numel));
  return fastDequantizeNF4(codes.data(), absmax.data(), req.numel,
                           req.spec.nf4BlockSize, y.data());
}

/// Q4_K and MXFP4: the Codec's planar storage; with the hf layout its second
/// plane (the scales) goes to its own file.
Status quantizeBlockFiles(const Request &req, const std::vector<float> &x) {
  int64_t bytes = 0;
  if (Status s = storageBytes(req.spec, req.numel, bytes); !s)
    return s;
  std::vector<uint8_t> storage(static_cast<size_t>(bytes));
  if (Status s = quantize(req.spec, x.data(), req.numel, storage.data()); !s)
    return s;
  if (!req.scales)
    return writeVector(req.output, storage);
  int64_t split = *layoutOf(req.spec).planeOffset(1, req.numel / kMXFP4Block);
  if (Status s = writeRawFile(req.output, storage.data(), split); !s)
    return s;
  return writeRawFile(*req.scales, storage.data() + split, bytes - split);
}

Status dequantizeBlockFiles(const Request &req, std::vector<float> &y) {
  int64_t bytes = 0;
  if (Status s = storageBytes(req.spec, req.numel, bytes); !s)
    return s;
  std::vector<uint8_t> storage;
  if (!req.scales) {
    if (Status s = readRawFile(req.input, storage, bytes); !s)
      return s;
  } else {
    int64_t split = *layoutOf(req.spec).planeOffset(1, req.numel / kMXFP4Block);
    std::vector<uint8_t> scales;
    if (Status s = readRawFile(req.input, storage, split); !s)
      return s;
    if (Status s = readRawFile(*req.scales, scales, bytes - split); !s)
      return s;
    storage.insert(storage.end(), scales.begin(), scales.end());
  }
  y.resize(static_cast<size_t>(req.numel));
  return dequantize(req.spec, storage.data(), req.numel, y.data());
}

} // namespace

int runQuantize(int argc, char **argv) {
  Request req;
  if (Status s = parseRequest(argc, argv, req); !s)
    return fail(s.message());
  std::vector<float> x;
  if (Status s = readFloatFile(req.input, req.numel, x); !s)
    return fail(s.message());
  Status s = req.spec.kind == FormatKind::NF4 ? quantizeNF4Files(req, x)
                                              : quantizeBlockFiles(req, x);
  return s ? 0 : fail(s.message());
}

int runDequantize(int argc, char **argv) {
  Request req;
  if (Status s = parseRequest(argc, argv, req); !s)
    return fail(s.message());
  std::vector<float> y;
  Status s = req.spec.kind == FormatKind::NF4 ? dequantizeNF4Files(req, y)
                                              : dequantizeBlockFiles(req, y);
  if (!s)
    return fail(s.message());
  if (Status w = writeVector(req.output, y); !w)
    return fail(w.message());
  return 0;
}

} // namespace quant4::tool
