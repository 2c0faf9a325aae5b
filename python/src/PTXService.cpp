//===- PTXService.cpp - quant4 MLIR text to PTX text ----------------------===//
//
// quant4.compile(target="nvptx"): lib/Target/NVPTX's pipeline (the one
// q4-nvptx runs), then its kernel bundle: the launch manifest and the PTX of
// every gpu.binary. Every MLIR-enabled build has the NVPTX target (no CUDA
// toolkit is needed to make PTX).
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include "IRSession.h"

#include "Target/NVPTX/KernelBundle.h"
#include "Target/NVPTX/Pipeline.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace quant4::python {

bool haveNVPTX() { return true; }

IRResult compileToPTX(const std::string &source, const std::string &bufferName,
                      const std::string &chip, const std::string &features,
                      int64_t threads, const std::string &activations,
                      PTXBundle &bundle) {
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
  FailureOr<mlir::quant4::KernelBundleText> text =
      mlir::quant4::buildKernelBundle(*module, "kernels");
  if (failed(text)) {
    session.error("the kernels cannot be bundled");
    return std::move(session.result);
  }
  bundle.manifest = std::move(text->manifest);
  for (mlir::quant4::KernelBundleText::Ptx &ptx : text->ptx)
    bundle.modules.push_back(
        {std::move(ptx.binary), std::move(ptx.file), std::move(ptx.text)});
  session.result.ok = true;
  return std::move(session.result);
}

} // namespace quant4::python
