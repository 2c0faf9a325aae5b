//===- q4-opt.cpp - quant4 optimizer driver -------------------------------===//
//
// mlir-opt with the quant4 dialect and passes registered next to upstream's.
//
//===----------------------------------------------------------------------===//

#include "Tools/InitQuant4.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::quant4::registerAllQuant4Passes();
  mlir::DialectRegistry registry;
  mlir::quant4::registerQuant4Dialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "quant4 optimizer driver\n", registry));
}
