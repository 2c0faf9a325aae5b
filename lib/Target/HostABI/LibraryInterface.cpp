//===- LibraryInterface.cpp - the C interface of a compiled library -------===//

#include "Target/HostABI/LibraryInterface.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir::quant4;

std::string LibraryInterface::weightsDirVariable() const {
  return "Q4_" + llvm::StringRef(name).upper() + "_WEIGHTS_DIR";
}

std::string mlir::quant4::plainCName(const std::string &entry) {
  return "q4_" + entry;
}

std::string mlir::quant4::cIdentifier(const std::string &text) {
  std::string id = text;
  for (char &c : id)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (id.empty() || llvm::isDigit(id.front()))
    id.insert(id.begin(), '_');
  return id;
}
