//===- q4-compile.cpp - compile quant4 functions to a shared library ------===//
//
//   q4-compile FILE.mlir -o model.so [--header model.h] [--entry NAME ...]
//              [--mcpu host|x86-64-v3|...] [--emit obj|so] [--threads N]
//
// Argument parsing only; the compiler lives in lib/Target/CPU.
//
//===----------------------------------------------------------------------===//

#include "Target/CPU/AotCompiler.h"
#include "Target/CPU/CHeader.h"
#include "Tools/InitQuant4.h"
#include "Tools/ThreadsOption.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<input.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string> outputFile("o", llvm::cl::desc("Output file"),
                                             llvm::cl::Required);
static llvm::cl::opt<std::string>
    headerFile("header", llvm::cl::desc("Also write a C header here"));
static llvm::cl::list<std::string>
    entries("entry", llvm::cl::desc("Entry function (default: every public "
                                    "function)"));
static llvm::cl::opt<std::string>
    cpu("mcpu", llvm::cl::desc("Target CPU (default: host)"),
        llvm::cl::init("host"));
static llvm::cl::opt<std::string>
    emit("emit", llvm::cl::desc("obj: an object file; so: a shared library"),
         llvm::cl::init("so"));

static int fail(const std::string &message) {
  llvm::errs() << "q4-compile: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::quant4::ThreadsOption threads(
      "OpenMP threads (> 1 links libomp; default 1)");
  llvm::cl::ParseCommandLineOptions(argc, argv, "quant4 AOT compiler\n");
  if (emit != "obj" && emit != "so")
    return fail("--emit must be 'obj' or 'so'");

  DialectRegistry registry;
  mlir::quant4::registerQuant4Dialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, &context);
  if (!module)
    return 1;

  mlir::quant4::AotOptions options;
  options.cpu = cpu;
  options.threads = threads.getValue();
  std::string objectPath = outputFile;
  if (emit == "so")
    objectPath += ".o";
  std::vector<mlir::quant4::EntrySignature> signatures;
  if (failed(mlir::quant4::compileToObject(*module, entries, options,
                                           objectPath, signatures)))
    return 1;
  if (emit == "so") {
    std::string error;
    LogicalResult linked =
        mlir::quant4::linkSharedLibrary(objectPath, outputFile, options, error);
    llvm::sys::fs::remove(objectPath);
    if (failed(linked))
      return fail(error);
  }

  if (!headerFile.empty()) {
    std::string guard =
        "Q4_" + llvm::sys::path::stem(headerFile).upper() + "_H";
    for (char &c : guard)
      if (!llvm::isAlnum(c))
        c = '_';
    std::error_code ec;
    llvm::ToolOutputFile out(headerFile, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + headerFile + "': " + ec.message());
    out.os() << mlir::quant4::writeCHeader(guard, signatures);
    out.keep();
  }
  return 0;
}
