//===- PTXService.cpp - quant4 MLIR text to PTX text ----------------------===//
//
// quant4.compile(target="nvptx"): lib/Target/NVPTX's pipeline (the one
// q4-nvptx runs), then the PTX of every gpu.binary. Without the NVPTX target
// in the build, haveNVPTX() is false and compileToPTX reports that.
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include "IRSession.h"

#ifdef QUANT4_PYTHON_HAVE_NVPTX_TARGET
#include "Target/NVPTX/Pipeline.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#endif

using namespace mlir;

namespace quant4::python {

#ifdef QUANT4_PYTHON_HAVE_NVPTX_TARGET
bool haveNVPTX() { return true; }

IRResult compileToPTX(const std::string &source, const std::string &bufferName,
                      const std::string &chip, const std::string &features,
                      int64_t threads,
                      std::vector<std::pair<std::string, std::string>> &ptx) {
  registerPasses();
  Session session(source, bufferName);
  OwningOpRef<ModuleOp> module = session.parse();
  if (!module)
    return std::move(session.result);
  PassManager pm(&session.context());
  mlir::quant4::NVPTXPipelineOptions options;
  options.chip = chip;
  options.features = features;
  options.threads = threads;
  mlir::quant4::buildNVPTXPipeline(pm, options);
  if (failed(pm.run(*module))) {
    session.error("the NVPTX pipeline failed");
    return std::move(session.result);
  }
  for (auto binary : module->getOps<gpu::BinaryOp>()) {
    auto object = dyn_cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    if (!object || object.getFormat() != gpu::CompilationTarget::Assembly) {
      session.error("gpu.binary @" + binary.getName().str() +
                    " does not hold PTX text");
      return std::move(session.result);
    }
    ptx.emplace_back(binary.getName().str(),
                     object.getObject().getValue().str());
  }
  session.result.ok = true;
  return std::move(session.result);
}
#else
bool haveNVPTX() { return false; }

IRResult compileToPTX(const std::string &, const std::string &,
                      const std::string &, const std::string &, int64_t,
                      std::vector<std::pair<std::string, std::string>> &) {
  IRResult result;
  result.diagnostics.push_back(
      {"error", "", "", 0, 0, "this build has no NVPTX target"});
  return result;
}
#endif

} // namespace quant4::python
