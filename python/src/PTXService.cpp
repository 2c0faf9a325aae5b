//===- PTXService.cpp - quant4 MLIR text to PTX text ----------------------===//
//
// quant4.compile(target="nvptx"): lib/Target/NVPTX's pipeline (the one
// q4-nvptx runs), then the PTX of every gpu.binary. Every MLIR-enabled build
// has the NVPTX target (no CUDA toolkit is needed to make PTX).
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include "IRSession.h"

#include "Target/NVPTX/Pipeline.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace quant4::python {

bool haveNVPTX() { return true; }

IRResult compileToPTX(const std::string &source, const std::string &bufferName,
                      const std::string &chip, const std::string &features,
                      int64_t threads, const std::string &activations,
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
  options.activations = activations;
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

} // namespace quant4::python
