//===- IRService.cpp - MLIR text in, MLIR text out ------------------------===//
//
// Parse / verify / print and textual pass pipelines, each call in its own
// Session (see IRSession.h).
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include "IRSession.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace quant4::python {

namespace {

/// `builtin.module(a,b)` -> `a,b`: the pass manager is anchored on the
/// module already (a wrapper would nest and silently do nothing).
std::string stripModuleWrapper(const std::string &pipeline) {
  llvm::StringRef text = llvm::StringRef(pipeline).trim();
  llvm::StringRef inner = text;
  if (inner.consume_front("builtin.module(") && inner.consume_back(")"))
    return inner.str();
  return text.str();
}

} // namespace

IRResult parseModule(const std::string &source, const std::string &bufferName,
                     const PrintOptions &print) {
  Session session(source, bufferName);
  OwningOpRef<ModuleOp> module = session.parse();
  if (module)
    session.print(*module, print);
  return std::move(session.result);
}

IRResult runPipeline(const std::string &source, const std::string &bufferName,
                     const std::string &pipeline, const PrintOptions &print) {
  registerPasses();
  Session session(source, bufferName);
  OwningOpRef<ModuleOp> module = session.parse();
  if (!module)
    return std::move(session.result);
  PassManager pm(&session.context(), ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(
          parsePassPipeline(stripModuleWrapper(pipeline), pm, errorStream))) {
    session.error("invalid pass pipeline '" + pipeline + "': " + errors);
    return std::move(session.result);
  }
  if (failed(pm.run(*module))) {
    session.error("pass pipeline '" + pipeline + "' failed");
    return std::move(session.result);
  }
  session.print(*module, print);
  return std::move(session.result);
}

} // namespace quant4::python
