//===- CHeader.h - C declarations of compiled entry functions ---*- C++ -*-===//

#ifndef QUANT4_TARGET_CPU_CHEADER_H
#define QUANT4_TARGET_CPU_CHEADER_H

#include "Target/CPU/EntrySignature.h"

#include <ostream>
#include <string>
#include <vector>

namespace mlir::quant4 {

/// A self-contained C header declaring, for every entry, one memref
/// descriptor type per argument and result and the prototype of
/// `_mlir_ciface_<name>`; `guard` names the include guard.
std::string writeCHeader(const std::string &guard,
                         const std::vector<EntrySignature> &entries);

/// Pieces of a generated header, shared with the GPU host library's
/// (lib/Target/NVPTX/HostHeader.h).
/// The banner, include guard, <stdint.h> and `extern "C" {`.
void writeCHeaderBegin(std::ostream &os, const std::string &guard);
/// Closes what writeCHeaderBegin opened.
void writeCHeaderEnd(std::ostream &os, const std::string &guard);
/// `#define Q4_<ENTRY>_ARG<i>_ELEMENTS <n>` (and RESULT<i>) per buffer.
void writeElementCounts(std::ostream &os, const EntrySignature &entry);
/// `const T *arg0<note>, ..., R *result0<note>, ...` (dense buffers, arguments
/// then results); false when there are none.
bool writeBufferParameters(std::ostream &os, const EntrySignature &entry,
                           const char *note);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_CHEADER_H
