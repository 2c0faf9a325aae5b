//===- HostHeader.h - C declarations of a GPU host library ------*- C++ -*-===//
#ifndef QUANT4_TARGET_NVPTX_HOSTHEADER_H
#define QUANT4_TARGET_NVPTX_HOSTHEADER_H

#include "Target/HostABI/EntrySignature.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// A self-contained C header declaring what compileHostLibrary's library
/// exports (HostLibrary.h): per entry its buffers' element counts and
/// `int q4_<entry>(<device pointers>, void *stream)`, and the error function
/// `errorFunction`. `guard` names the include guard.
std::string writeHostCHeader(const std::string &guard,
                             const std::vector<EntrySignature> &entries,
                             const std::string &errorFunction);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_HOSTHEADER_H
