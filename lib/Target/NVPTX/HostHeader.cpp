//===- HostHeader.cpp - C declarations of a GPU host library --------------===//

#include "Target/NVPTX/HostHeader.h"
#include "Target/HostABI/CHeader.h"
#include "Target/HostABI/LibraryInterface.h"

#include <sstream>

using namespace mlir::quant4;

std::string
mlir::quant4::writeHostCHeader(const std::string &guard,
                               const std::vector<EntrySignature> &entries,
                               const std::string &errorFunction) {
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
     << "   driver, a null or misaligned pointer). Concurrent calls of one\n"
     << "   entry on different streams may race on its scratch buffers\n"
     << "   (matmuls with M > 16, and Q8_K-activation GEMVs). */\n\n"
     << "/* What the last failing call on this thread failed on, naming the\n"
     << "   entry point and the CUDA call and error: \"q4_f: "
        "cuModuleLoadDataEx:\n"
     << "   CUDA_ERROR_INVALID_PTX: ...\" (\"\" when none failed). */\n"
     << "const char *" << errorFunction << "(void);\n";
  for (const EntrySignature &entry : entries) {
    os << "\n/* " << entry.name << " */\n";
    writeElementCounts(os, entry);
    os << "int " << plainCName(entry.name) << "(";
    if (writeBufferParameters(os, entry, " /* device */"))
      os << ", ";
    os << "void *stream);\n";
  }
  writeCHeaderEnd(os, guard);
  return os.str();
}
