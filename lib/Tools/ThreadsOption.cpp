//===- ThreadsOption.cpp - the --threads flag of quant4's tools -----------===//

#include "Tools/ThreadsOption.h"

using namespace mlir::quant4;
namespace cl = llvm::cl;

ThreadsOption::ThreadsOption(llvm::StringRef help) {
  auto &registered = cl::getRegisteredOptions();
  auto it = registered.find("threads");
  if (it != registered.end())
    it->second->setArgStr("llvm-threads");
  option_ = std::make_unique<cl::opt<unsigned>>("threads", cl::desc(help),
                                                cl::init(1));
  alias_ = std::make_unique<cl::alias>("num-threads", cl::aliasopt(*option_),
                                       cl::desc("Alias for --threads"));
}

ThreadsOption::~ThreadsOption() = default;
