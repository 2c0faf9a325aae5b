//===- CHeader.h - C declarations of compiled entry functions ---*- C++ -*-===//

#ifndef QUANT4_TARGET_CPU_CHEADER_H
#define QUANT4_TARGET_CPU_CHEADER_H

#include "Target/CPU/EntrySignature.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// A self-contained C header declaring, for every entry, one memref
/// descriptor type per argument and result and the prototype of
/// `_mlir_ciface_<name>`; `guard` names the include guard.
std::string writeCHeader(const std::string &guard,
                         const std::vector<EntrySignature> &entries);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_CHEADER_H
