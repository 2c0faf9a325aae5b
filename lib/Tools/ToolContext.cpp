//===- ToolContext.cpp - the MLIR context of a quant4 tool ----------------===//

#include "Tools/ToolContext.h"

#include "Tools/InitQuant4.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;
using namespace mlir::quant4;

static DialectRegistry quant4Registry() {
  DialectRegistry registry;
  registerQuant4Dialects(registry);
  return registry;
}

ToolContext::ToolContext()
    : context_(quant4Registry()), handler_(sourceMgr_, &context_) {}

OwningOpRef<ModuleOp> ToolContext::parseFile(llvm::StringRef path) {
  return parseSourceFile<ModuleOp>(path, sourceMgr_, &context_);
}
