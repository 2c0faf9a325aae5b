//===- Workspace.cpp - Where a function's scratch buffers lie -------------===//

#include "Runtime/Workspace.h"

#include <algorithm>

namespace quant4::runtime {

WorkspaceLayout layoutWorkspace(const BundleFunction &function) {
  WorkspaceLayout layout;
  for (const BundleArgument &buffer : function.scratch) {
    layout.offsets.push_back(layout.bytes);
    layout.bytes += (buffer.bytes + kWorkspaceAlignment - 1) /
                    kWorkspaceAlignment * kWorkspaceAlignment;
  }
  return layout;
}

uint64_t maxWorkspaceBytes(const std::vector<BundleFunction> &functions) {
  uint64_t bytes = 0;
  for (const BundleFunction &function : functions)
    bytes = std::max(bytes, layoutWorkspace(function).bytes);
  return bytes;
}

} // namespace quant4::runtime
