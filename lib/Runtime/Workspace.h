//===- Workspace.h - Where a function's scratch buffers lie -----*- C++ -*-===//
//
// A host function of a kernel bundle may need scratch buffers (temporaries
// between its kernels, BundleManifest.h). They are laid out one after the
// other in one workspace, each at a multiple of kWorkspaceAlignment, so a
// caller can hand over a single device buffer; q4-compile writes the size
// this layout gives into the host library's header, and the runtime carves
// the caller's (or its own) workspace with the same offsets.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_WORKSPACE_H
#define QUANT4_RUNTIME_WORKSPACE_H

#include "Runtime/BundleManifest.h"

#include <cstdint>
#include <vector>

namespace quant4::runtime {

/// The alignment of every scratch buffer inside a workspace (what cuMemAlloc
/// gives; the kernels need 16).
inline constexpr uint64_t kWorkspaceAlignment = 256;

struct WorkspaceLayout {
  /// The byte offset of each scratch buffer, in the manifest's order.
  std::vector<uint64_t> offsets;
  /// The workspace size: 0 when there is no scratch.
  uint64_t bytes = 0;
};

/// The layout of `function`'s scratch buffers.
WorkspaceLayout layoutWorkspace(const BundleFunction &function);

/// The largest workspace among `functions`: enough for any of them, one at a
/// time (what one stream needs).
uint64_t maxWorkspaceBytes(const std::vector<BundleFunction> &functions);

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_WORKSPACE_H
