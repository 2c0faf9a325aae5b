//===- HostHeader.h - C declarations of a GPU host library ------*- C++ -*-===//
#ifndef QUANT4_TARGET_NVPTX_HOSTHEADER_H
#define QUANT4_TARGET_NVPTX_HOSTHEADER_H

#include "Target/NVPTX/HostLibrary.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// A self-contained C header declaring what compileHostLibrary's library
/// exports (HostLibrary.h): per entry its buffers' element counts, its
/// workspace size (`Q4_<ENTRY>_WORKSPACE_BYTES`), `int q4_<entry>(<device
/// pointers>, void *stream)`, `q4_<entry>_with_workspace` and
/// `q4_<entry>_workspace_size`, and the library's prepare and error
/// functions. `guard` names the include guard.
std::string writeHostCHeader(const std::string &guard,
                             const std::vector<HostEntry> &entries,
                             const HostLibraryOptions &options);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_HOSTHEADER_H
