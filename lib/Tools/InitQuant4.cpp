//===- InitQuant4.cpp - Everything a quant4 tool registers ----------------===//

#include "Tools/InitQuant4.h"

#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Target/CPU/Pipeline.h"
#include "Target/NVPTX/Pipeline.h"
#include "Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include <mutex>

void mlir::quant4::registerQuant4Dialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<Quant4Dialect>();
  registerNVPTXDialectExtensions(registry);
}

void mlir::quant4::registerAllQuant4Passes() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
    registerQuant4Passes();
    registerQuant4ConversionPasses();
    registerQuant4TransformsPasses();
    registerCPUPipeline();
    registerNVPTXPipeline();
  });
}
