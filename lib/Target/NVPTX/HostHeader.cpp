//===- HostHeader.cpp - C declarations of a GPU host library --------------===//

#include "Target/NVPTX/HostHeader.h"
#include "Target/HostABI/CHeader.h"

#include <cctype>
#include <sstream>

using namespace mlir::quant4;

/// `Q4_<ENTRY>`, the prefix of the entry's macros (as writeElementCounts').
static std::string macroPrefix(const EntrySignature &entry) {
  std::string macro = "Q4_" + entry.name;
  for (char &c : macro)
    c = std::toupper(static_cast<unsigned char>(c));
  return macro;
}

std::string
mlir::quant4::writeHostCHeader(const std::string &guard,
                               const std::vector<HostEntry> &entries,
                               const HostLibraryOptions &options) {
  std::ostringstream os;
  writeCHeaderBegin(os, guard);
  os << "\n/* GPU entry points (q4-compile --target=nvptx). Every buffer is a\n"
     << "   CUDA device pointer (a CUdeviceptr from cuMemAlloc or the like,\n"
     << "   cast to the pointer type), dense row-major, 16-byte aligned, the\n"
     << "   buffers not overlapping; f16 and bf16 elements are their 16-bit\n"
     << "   patterns. `stream` is a CUstream (NULL: the default stream of\n"
     << "   the current context, or of device 0's primary context when\n"
     << "   none is current); the kernels are enqueued on it and the call\n"
     << "   returns without waiting. The first call in a CUDA context loads\n"
     << "   the embedded PTX into it (thread-safe); libcuda.so.1 is loaded\n"
     << "   at run time. Returns 0, a CUDA driver error code (CUresult > 0)\n"
     << "   when a driver call failed, or -1 for any other failure (no\n"
     << "   driver, a null or misaligned pointer, a small workspace).\n"
     << "\n"
     << "   Scratch memory: an entry with Q4_<ENTRY>_WORKSPACE_BYTES > 0\n"
     << "   (matmuls with M > 16, Q8_K-activation GEMVs) needs a workspace\n"
     << "   for temporaries between its kernels. q4_<entry>(..., stream)\n"
     << "   uses one the library allocates per stream (on the stream's\n"
     << "   first such call, kept until the process ends), so calls on\n"
     << "   different streams may run concurrently.\n"
     << "   q4_<entry>_with_workspace(..., workspace, workspace_bytes,\n"
     << "   stream) uses the caller's device buffer instead (16-byte\n"
     << "   aligned, at least Q4_<ENTRY>_WORKSPACE_BYTES, NULL when that is\n"
     << "   0) and allocates nothing; calls that may overlap need\n"
     << "   different workspaces.\n"
     << "\n"
     << "   CUDA graphs: while a stream captures, nothing may be allocated\n"
     << "   or loaded, so a call that would have to is refused (-1) and\n"
     << "   the capture stays valid. Call " << options.prepareFunction()
     << "(stream)\n"
     << "   first: it loads the kernels into the stream's context and\n"
     << "   allocates the stream's workspace. A graph captured from\n"
     << "   q4_<entry> keeps using the workspace of the stream it was\n"
     << "   captured on: do not run it while other work uses that stream's\n"
     << "   workspace, or capture q4_<entry>_with_workspace with a\n"
     << "   workspace of the graph's own. */\n\n"
     << "/* What the last failing call on this thread failed on, naming the\n"
     << "   entry point and the CUDA call and error: \"q4_f: "
        "cuModuleLoadDataEx:\n"
     << "   CUDA_ERROR_INVALID_PTX: ...\" (\"\" when none failed). */\n"
     << "const char *" << options.errorFunction() << "(void);\n"
     << "/* Loads the kernels into the context of `stream` and allocates the\n"
     << "   stream's workspace, e.g. before capturing a CUDA graph on it. */\n"
     << "int " << options.prepareFunction() << "(void *stream);\n";
  for (const HostEntry &entry : entries) {
    os << "\n/* " << entry.signature.name << " */\n";
    writeElementCounts(os, entry.signature);
    os << "#define " << macroPrefix(entry.signature) << "_WORKSPACE_BYTES "
       << entry.workspaceBytes << "\n";
    os << "int " << entry.function() << "(";
    if (writeBufferParameters(os, entry.signature, " /* device */"))
      os << ", ";
    os << "void *stream);\n";
    os << "int " << entry.withWorkspaceFunction() << "(";
    if (writeBufferParameters(os, entry.signature, " /* device */"))
      os << ", ";
    os << "void *workspace /* device */, uint64_t workspace_bytes, "
          "void *stream);\n";
    os << "uint64_t " << entry.workspaceSizeFunction() << "(void);\n";
  }
  writeCHeaderEnd(os, guard);
  return os.str();
}
