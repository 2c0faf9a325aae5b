//===- CHeader.h - pieces of the C headers of host libraries ----*- C++ -*-===//
//
// What every header q4-compile writes beside a library shares, whichever
// target the library runs on: the frame (banner, include guard, <stdint.h>,
// `extern "C"`), the element count macros of each entry's buffers and the
// dense buffer parameters of its `q4_<name>` function. The CPU target's
// header (lib/Target/CPU/LibraryHeader.h) and the NVPTX host library's
// (lib/Target/NVPTX/HostHeader.h) are made of these.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_HOSTABI_CHEADER_H
#define QUANT4_TARGET_HOSTABI_CHEADER_H

#include "Target/HostABI/EntrySignature.h"

#include <ostream>
#include <string>

namespace mlir::quant4 {

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
