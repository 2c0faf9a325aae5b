//===- CHeader.h - C declarations of compiled entry functions ---*- C++ -*-===//

#ifndef QUANT4_TARGET_HOSTABI_CHEADER_H
#define QUANT4_TARGET_HOSTABI_CHEADER_H

#include "Target/HostABI/EntrySignature.h"
#include "Target/HostABI/LibraryInterface.h"

#include <ostream>
#include <string>
#include <vector>

namespace mlir::quant4 {

/// A self-contained C header declaring the library functions
/// (q4_<lib>_error, q4_<lib>_init in load mode) and, for every entry, one
/// memref descriptor type per argument, weight and result, the prototype of
/// `_mlir_ciface_<name>` and the plain entry point `q4_<name>` with the
/// element count of each buffer; `guard` names the include guard.
std::string writeCHeader(const std::string &guard,
                         const LibraryInterface &library);

/// Pieces of a generated header, shared with the GPU host library's
/// (lib/Target/NVPTX/HostHeader.h).
/// The banner, include guard, <stdint.h> and `extern "C" {`.
void writeCHeaderBegin(std::ostream &os, const std::string &guard);
/// Closes what writeCHeaderBegin opened.
void writeCHeaderEnd(std::ostream &os, const std::string &guard);
/// `#define Q4_<ENTRY>_ARG<i>_ELEMENTS <n>` (and RESULT<i>) per buffer; a
/// function-like macro of the dynamic sizes `d<dim>` for a dynamic shape.
void writeElementCounts(std::ostream &os, const EntrySignature &entry);
/// `const T *arg0<note>, ..., R *result0<note>, ...` (dense buffers, arguments
/// then results, each followed by `int64_t <name>_d<dim>` per dynamic
/// dimension); false when there are none.
bool writeBufferParameters(std::ostream &os, const EntrySignature &entry,
                           const char *note);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_HOSTABI_CHEADER_H
