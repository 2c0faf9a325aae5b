//===- q4-opt.cpp - quant4 optimizer driver -------------------------------===//
//
// mlir-opt with the quant4 dialect and passes registered next to upstream's.
//
//===----------------------------------------------------------------------===//

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
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::quant4::registerQuant4ConversionPasses();
  mlir::quant4::registerQuant4TransformsPasses();
  mlir::quant4::registerCPUPipeline();
  mlir::quant4::registerQuant4Passes();
  mlir::quant4::registerNVPTXPipeline();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::quant4::Quant4Dialect>();
  mlir::quant4::registerNVPTXDialectExtensions(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "quant4 optimizer driver\n", registry));
}
