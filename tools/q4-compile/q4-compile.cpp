//===- q4-compile.cpp - ahead-of-time compiler for quant4 modules ---------===//
//
//   q4-compile FILE.mlir --target=cpu -o OUT.so [--emit=mlir|llvm|obj|shared]
//              [--cpu=native|<name>] [--header OUT.h] [--entry NAME ...]
//              [--threads N] [--weights=embed|load] [--weights-dir DIR]
//              [--lib-name LIB] [--activations=f32|q8_k]
//   q4-compile FILE.mlir --target=nvptx --chip=sm_90 -o OUT.so
//              [--emit=mlir|ptx|llvm|obj|shared] [--header OUT.h]
//              [--entry NAME ...] [--cpu=<name>] [--activations=f32|q8_k]
//              [q4-nvptx's pipeline flags: --features, --gemv-lanes, ...]
//
// cpu: a shared library (default) exporting `q4_<entry>` plain-pointer C
// functions and q4_<lib>_error, plus the header declaring them (OUT with the
// extension replaced by .h unless --header says otherwise). Tensors named by
// quant4.weight ops are read from their GGUF / safetensors files (relative to
// --weights-dir, default the input's directory) and embedded, or with
// --weights=load read by the library when first used (q4_<lib>_init).
// nvptx: a host library (default) embedding the PTX, exporting
// `int q4_<entry>(device pointers..., void *stream)` and q4_<lib>_error,
// plus its header; --emit=ptx writes OUT.manifest and one
// OUT.<kernel module>.ptx per kernel module instead, which lib/Runtime's
// KernelBundle loads.
// Argument parsing only; the compilers live in lib/Target/CPU and NVPTX
// (their shared host side in lib/Target/HostABI).
//
//===----------------------------------------------------------------------===//

#include "Target/CPU/AotCompiler.h"
#include "Target/CPU/LibraryHeader.h"
#include "Target/NVPTX/HostHeader.h"
#include "Target/NVPTX/HostLibrary.h"
#include "Target/NVPTX/KernelBundle.h"
#include "Target/NVPTX/Pipeline.h"
#include "Tools/NVPTXFlags.h"
#include "Tools/ThreadsOption.h"
#include "Tools/ToolContext.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required);
static cl::opt<std::string> outputFile("o",
                                       cl::desc("Output file (prefix for "
                                                "--target=nvptx)"),
                                       cl::Required);
static cl::opt<std::string> target("target", cl::desc("cpu | nvptx"),
                                   cl::init("cpu"));
static cl::opt<std::string>
    emit("emit",
         cl::desc("cpu: mlir | llvm | obj | shared (default); nvptx: the "
                  "same (the host library) or ptx (OUT.manifest + PTX "
                  "files)"),
         cl::init(""));
static cl::opt<std::string>
    cpu("cpu",
        cl::desc("Target CPU: native (default; nvptx: x86-64, the host "
                 "wrappers only pack pointers) or an LLVM CPU name such as "
                 "x86-64-v3"),
        cl::init("native"));
static cl::alias cpuAlias("mcpu", cl::aliasopt(cpu),
                          cl::desc("Alias for --cpu"));
static cl::opt<std::string>
    headerFile("header", cl::desc("C header path (cpu; default: OUT with the "
                                  "extension replaced by .h)"));
static cl::opt<std::string> weightsDir(
    "weights-dir",
    cl::desc("Directory that relative model-file paths of quant4.weight ops "
             "are resolved against (default: the input file's directory)"));
static cl::opt<std::string> weightsMode(
    "weights",
    cl::desc("cpu: embed (default: quant4.weight tensors are read now and "
             "embedded) | load (read from the model files when the library "
             "is first used; relative paths against --weights-dir unless the "
             "caller names another)"),
    cl::init("embed"));
static cl::opt<std::string> activations(
    "activations",
    cl::desc("activation mode of the matmuls that leave it open: f32 or "
             "q8_k (x rounded to ggml's Q8_K, int8 dot products; docs/CPU.md; "
             "nvptx: the GEMV kernel's matmuls, M <= 16, docs/NVPTX.md); "
             "default: as the IR says"));
static cl::opt<std::string> libraryName(
    "lib-name",
    cl::desc("<lib> of the library functions q4_<lib>_error / "
             "q4_<lib>_init (default: OUT's name up to its first dot, "
             "without a leading 'lib')"));
static cl::list<std::string>
    entries("entry",
            cl::desc("Entry function (default: every public function)"));

static int fail(const std::string &message) {
  llvm::errs() << "q4-compile: " << message << "\n";
  return 1;
}

/// Writes `text` to `path`.
static int writeText(StringRef path, StringRef text) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + path.str() + "': " + ec.message());
  out.os() << text;
  out.keep();
  return 0;
}

/// Writes the header of a library (--header, or OUT with the extension
/// replaced by .h): `writer(guard)`.
static int
writeHeader(llvm::function_ref<std::string(const std::string &)> writer) {
  SmallString<256> header(headerFile.empty() ? outputFile : headerFile);
  if (headerFile.empty())
    llvm::sys::path::replace_extension(header, ".h");
  std::string guard = "Q4_" + llvm::sys::path::stem(header).upper() + "_H";
  for (char &c : guard)
    if (!llvm::isAlnum(c))
      c = '_';
  return writeText(header, writer(guard));
}

/// <lib> of q4_<lib>_error (and q4_<lib>_init): --lib-name, else OUT's name
/// up to its first dot without a leading "lib", as a C identifier.
static std::string libraryCName() {
  std::string name = libraryName;
  if (name.empty()) {
    name = llvm::sys::path::filename(outputFile).split('.').first.str();
    if (StringRef(name).starts_with("lib") && name.size() > 3)
      name = name.substr(3);
  }
  return mlir::quant4::cIdentifier(name);
}

static int compileForCPU(ModuleOp module, unsigned threads) {
  std::string kind = emit.empty() ? "shared" : emit.getValue();
  std::optional<mlir::quant4::AotOutput> output =
      llvm::StringSwitch<std::optional<mlir::quant4::AotOutput>>(kind)
          .Case("mlir", mlir::quant4::AotOutput::MLIR)
          .Case("llvm", mlir::quant4::AotOutput::LLVMIR)
          .Cases({"obj", "shared"}, mlir::quant4::AotOutput::Object)
          .Default(std::nullopt);
  if (!output)
    return fail("--emit for --target=cpu must be mlir, llvm, obj or shared, "
                "got '" +
                kind + "'");
  mlir::quant4::AotOptions options;
  options.cpu = cpu == "native" ? "host" : cpu.getValue();
  options.threads = threads;
  options.weightsDir = weightsDir;
  if (weightsDir.empty() && inputFile != "-")
    options.weightsDir = llvm::sys::path::parent_path(inputFile).str();
  if (weightsMode != "embed" && weightsMode != "load")
    return fail("--weights must be embed or load, got '" + weightsMode + "'");
  options.weights = weightsMode == "load" ? mlir::quant4::WeightsMode::Load
                                          : mlir::quant4::WeightsMode::Embed;
  options.libraryName = libraryCName();
  options.activations = activations;
  std::string path = outputFile;
  if (kind == "shared")
    path += ".o";
  mlir::quant4::LibraryInterface library;
  if (failed(mlir::quant4::compileToFile(module, entries, options, *output,
                                         path, library)))
    return 1;
  if (kind == "shared") {
    std::string error;
    LogicalResult linked =
        mlir::quant4::linkLibrary(path, outputFile, options, library, error);
    llvm::sys::fs::remove(path);
    if (failed(linked))
      return fail(error);
  }
  if (kind != "shared" && kind != "obj")
    return 0;
  return writeHeader([&](const std::string &guard) {
    return mlir::quant4::writeLibraryHeader(guard, library);
  });
}

static int compileForNVPTX(ModuleOp module, MLIRContext &context,
                           mlir::quant4::NVPTXPipelineOptions &options) {
  std::string kind = emit.empty() ? "shared" : emit.getValue();
  options.activations = activations;
  if (kind == "ptx" || kind == "mlir") {
    if (!headerFile.empty() || !entries.empty())
      return fail("--header and --entry do not apply to --emit=" + kind);
    PassManager pm(&context);
    mlir::quant4::buildNVPTXPipeline(pm, options);
    if (failed(pm.run(module)))
      return 1;
    if (kind == "ptx")
      return failed(mlir::quant4::writeKernelBundle(module, outputFile)) ? 1
                                                                         : 0;
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return writeText(outputFile, text);
  }
  std::optional<mlir::quant4::HostOutput> output =
      llvm::StringSwitch<std::optional<mlir::quant4::HostOutput>>(kind)
          .Case("llvm", mlir::quant4::HostOutput::LLVMIR)
          .Case("obj", mlir::quant4::HostOutput::Object)
          .Case("shared", mlir::quant4::HostOutput::Shared)
          .Default(std::nullopt);
  if (!output)
    return fail("--emit for --target=nvptx must be mlir, ptx, llvm, obj or "
                "shared, got '" +
                kind + "'");
  mlir::quant4::HostLibraryOptions host;
  if (cpu.getNumOccurrences())
    host.cpu = cpu == "native" ? "host" : cpu.getValue();
  host.libraryName = libraryCName();
  std::vector<mlir::quant4::HostEntry> hostEntries;
  if (failed(mlir::quant4::compileHostLibrary(
          module, entries, options, host, *output, outputFile, hostEntries)))
    return 1;
  if (kind == "llvm")
    return 0;
  return writeHeader([&](const std::string &guard) {
    return mlir::quant4::writeHostCHeader(guard, hostEntries, host);
  });
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::quant4::ThreadsOption threads(
      "OpenMP threads of the CPU code (> 1 links libomp; default 1)");
  // --activations is the tool's own flag (both targets).
  mlir::quant4::NVPTXPipelineOptions nvptxOptions;
  std::unique_ptr<mlir::quant4::PipelineFlags> nvptxFlags =
      mlir::quant4::makeNVPTXFlags(nvptxOptions, {"activations"});
  cl::ParseCommandLineOptions(argc, argv, "quant4 ahead-of-time compiler\n");
  if (!nvptxFlags->apply())
    return 1;
  if (target != "cpu" && target != "nvptx")
    return fail("--target must be cpu or nvptx, got '" + target + "'");
  if (!activations.empty() && activations != "f32" && activations != "q8_k")
    return fail("--activations must be f32 or q8_k, got '" + activations + "'");

  mlir::quant4::ToolContext tool;
  MLIRContext &context = tool.getContext();
  OwningOpRef<ModuleOp> module = tool.parseFile(inputFile);
  if (!module)
    return 1;
  if (target == "nvptx")
    return compileForNVPTX(*module, context, nvptxOptions);
  return compileForCPU(*module, threads.getValue());
}
