//===- q4-run.cpp - compile and run a quant4 function on the CPU ----------===//
//
//   q4-run FILE.mlir --entry NAME --input a.npy [--input b.npy ...]
//          --output out.npy [--bench N] [--threads N]
//
// Argument parsing only; compiling and calling live in lib/Target/CPU.
//
//===----------------------------------------------------------------------===//

#include "Target/CPU/JitRunner.h"
#include "Tools/ThreadsOption.h"
#include "Tools/ToolContext.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using ::quant4::cpu::NpyArray;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<input.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string>
    entry("entry", llvm::cl::desc("Function to call"), llvm::cl::Required);
static llvm::cl::list<std::string>
    inputs("input", llvm::cl::desc("Argument as a .npy file (in order)"));
static llvm::cl::list<std::string>
    outputs("output", llvm::cl::desc("Result as a .npy file (in order)"));
static llvm::cl::opt<unsigned>
    bench("bench", llvm::cl::desc("Time N calls and print median, min, max"),
          llvm::cl::init(0));

static int fail(const std::string &message) {
  llvm::errs() << "q4-run: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::quant4::ThreadsOption threads(
      "OpenMP threads (> 1 needs libomp; default 1)");
  llvm::cl::ParseCommandLineOptions(argc, argv, "quant4 CPU runner\n");

  std::vector<NpyArray> args(inputs.size());
  std::string error;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!::quant4::cpu::readNpy(inputs[i], args[i], error))
      return fail(error);

  mlir::quant4::ToolContext tool;
  OwningOpRef<ModuleOp> module = tool.parseFile(inputFile);
  if (!module)
    return 1;

  auto jit = mlir::quant4::CPUJit::compile(*module, entry, threads.getValue());
  if (failed(jit))
    return 1;
  std::vector<NpyArray> results;
  if (failed((*jit)->run(args, results, error)))
    return fail(error);
  if (!outputs.empty() && outputs.size() != results.size())
    return fail("'" + entry + "' returns " + std::to_string(results.size()) +
                " results, got " + std::to_string(outputs.size()) +
                " --output files");
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!::quant4::cpu::writeNpy(outputs[i], results[i], error))
      return fail(error);

  if (bench > 0) {
    std::vector<double> ms;
    for (unsigned i = 0; i < bench; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (failed((*jit)->run(args, results, error)))
        return fail(error);
      std::chrono::duration<double, std::milli> d =
          std::chrono::steady_clock::now() - start;
      ms.push_back(d.count());
    }
    std::sort(ms.begin(), ms.end());
    llvm::outs() << llvm::format("bench %s: %u runs, median %.3f ms, min "
                                 "%.3f ms, max %.3f ms\n",
                                 entry.c_str(), unsigned(bench),
                                 ms[ms.size() / 2], ms.front(), ms.back());
  }
  return 0;
}
