//===- JitService.cpp - Compile quant4 MLIR text to a callable ------------===//
//
// The compile itself is lib/Target/CPU's CPUJit (the library behind q4-run);
// this file only owns the Session whose context the module lives in.
//
//===----------------------------------------------------------------------===//

#include "JitService.h"

#include "IRSession.h"
#include "Target/CPU/JitRunner.h"

using namespace mlir;

namespace quant4::python {

struct CompiledFunction::Impl {
  Impl(const std::string &source, const std::string &bufferName)
      : session(source, bufferName) {}
  Session session;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<mlir::quant4::CPUJit> jit;
};

CompiledFunction::CompiledFunction(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
CompiledFunction::~CompiledFunction() = default;

std::unique_ptr<CompiledFunction>
CompiledFunction::compile(const std::string &source,
                          const std::string &bufferName,
                          const std::string &entry, int64_t threads,
                          const std::string &activations, IRResult &result) {
  registerPasses();
  auto impl = std::make_unique<Impl>(source, bufferName);
  impl->module = impl->session.parse();
  if (impl->module) {
    FailureOr<std::unique_ptr<mlir::quant4::CPUJit>> jit =
        mlir::quant4::CPUJit::compile(*impl->module, entry, threads,
                                      activations);
    if (succeeded(jit))
      impl->jit = std::move(*jit);
  }
  result = impl->session.result;
  result.ok = impl->jit != nullptr;
  if (!result.ok)
    return nullptr;
  return std::unique_ptr<CompiledFunction>(
      new CompiledFunction(std::move(impl)));
}

bool CompiledFunction::run(const std::vector<cpu::NpyArray> &inputs,
                           std::vector<cpu::NpyArray> &outputs,
                           std::string &error) {
  return succeeded(impl_->jit->run(inputs, outputs, error));
}

} // namespace quant4::python
