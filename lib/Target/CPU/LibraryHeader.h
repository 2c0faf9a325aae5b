//===- LibraryHeader.h - the C header of a CPU library ----------*- C++ -*-===//

#ifndef QUANT4_TARGET_CPU_LIBRARYHEADER_H
#define QUANT4_TARGET_CPU_LIBRARYHEADER_H

#include "Target/HostABI/LibraryInterface.h"

#include <string>

namespace mlir::quant4 {

/// A self-contained C header declaring the library functions
/// (q4_<lib>_error, q4_<lib>_init in load mode) and, for every entry, one
/// memref descriptor type per argument, weight and result, the prototype of
/// `_mlir_ciface_<name>` and the plain entry point `q4_<name>` with the
/// element count of each buffer; `guard` names the include guard.
std::string writeLibraryHeader(const std::string &guard,
                               const LibraryInterface &library);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_LIBRARYHEADER_H
