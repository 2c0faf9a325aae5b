//===- LibraryHeader.cpp - the C header of a CPU library ------------------===//

#include "Target/CPU/LibraryHeader.h"
#include "Target/HostABI/CHeader.h"

#include "llvm/ADT/StringExtras.h"

#include <sstream>

using namespace mlir::quant4;

/// `typedef Q4_MEMREF(float, 2) name; /* tensor<1x4096xf32> */`
static void writeTypedef(std::ostream &os, const std::string &name,
                         const AbiTensor &tensor) {
  os << "typedef Q4_MEMREF(" << abiCType(tensor.type) << ", "
     << tensor.shape.size() << ") " << name << "; /* tensor<"
     << tensor.describe() << "> */\n";
}

/// The pointer-only entry point (see PlainCWrappers.h) and the element count
/// of every buffer it takes.
static void writePlainDeclaration(std::ostream &os,
                                  const EntrySignature &entry) {
  os << "/* Plain C entry point: dense row-major buffers in, results written "
        "to\n   caller-provided buffers of the sizes below; each pointer is "
        "followed\n   by its dynamic sizes. Returns 0, or non-zero with the "
        "reason in the\n   library's error function. */\n";
  writeElementCounts(os, entry);
  os << "int " << plainCName(entry.name) << "(";
  if (!writeBufferParameters(os, entry, ""))
    os << "void";
  os << ");\n";
}

/// q4_<lib>_error and, in load mode, q4_<lib>_init (LibraryFunctions.h).
static void writeLibraryFunctions(std::ostream &os,
                                  const LibraryInterface &library) {
  os << "\n/* The message of this thread's last failed call (\"\" if none). "
        "*/\n"
     << "const char *" << library.errorFunction() << "(void);\n";
  if (!library.loadsWeights())
    return;
  std::string macro = "Q4_" + llvm::StringRef(library.name).upper();
  os << "\n/* Defined when the library reads its weights at load time. */\n"
     << "#define " << macro << "_WEIGHTS_DIR_VARIABLE \""
     << library.weightsDirVariable() << "\"\n";
  os << "\n/* The weights are read from their model files (memory-mapped) "
        "at the first\n   call, or by this function, which (re)loads them. "
        "Relative paths are\n   resolved against `weights_dir`; NULL: the "
        "environment variable\n   "
     << library.weightsDirVariable() << ", else the directory recorded at "
     << "compile time:\n   \"" << library.weightsDir
     << "\". Returns 0, or non-zero with the reason in\n   "
     << library.errorFunction()
     << "(). Not while entry points run on other threads. */\n"
     << "int " << library.initFunction() << "(const char *weights_dir);\n";
}

std::string mlir::quant4::writeLibraryHeader(const std::string &guard,
                                             const LibraryInterface &library) {
  std::ostringstream os;
  writeCHeaderBegin(os, guard);
  writeLibraryFunctions(os, library);
  os << "\n/* MLIR's ranked memref descriptor: the allocated and aligned\n"
     << "   pointers, the offset, sizes and strides in elements (row-major:\n"
     << "   strides[R-1] = 1). Results come back in memory allocated with\n"
     << "   malloc: free(result.allocated) when done. f16 and bf16 elements\n"
     << "   are passed as their 16-bit patterns. */\n"
     << "#ifndef Q4_MEMREF\n"
     << "#define Q4_MEMREF(T, R)                                              "
        "  \\\n"
     << "  struct {                                                         "
        "  \\\n"
     << "    T *allocated;                                                  "
        "  \\\n"
     << "    T *aligned;                                                    "
        "  \\\n"
     << "    int64_t offset;                                                "
        "  \\\n"
     << "    int64_t sizes[R];                                              "
        "  \\\n"
     << "    int64_t strides[R];                                            "
        "  \\\n"
     << "  }\n#endif\n";
  for (const EntrySignature &entry : library.entries) {
    const std::string &name = entry.name;
    os << "\n/* " << name << " */\n";
    for (size_t i = 0; i < entry.args.size(); ++i)
      writeTypedef(os, name + "_arg" + std::to_string(i) + "_t", entry.args[i]);
    for (size_t i = 0; i < entry.weights.size(); ++i)
      writeTypedef(os, name + "_weight" + std::to_string(i) + "_t",
                   library.weights[entry.weights[i]].abi);
    for (size_t i = 0; i < entry.results.size(); ++i)
      writeTypedef(os, name + "_result" + std::to_string(i) + "_t",
                   entry.results[i]);
    std::string resultType = name + "_result0_t";
    if (entry.results.size() > 1) {
      resultType = name + "_results_t";
      os << "typedef struct {\n";
      for (size_t i = 0; i < entry.results.size(); ++i)
        os << "  " << name << "_result" << i << "_t r" << i << ";\n";
      os << "} " << resultType << ";\n";
    }
    os << "void _mlir_ciface_" << name << "(";
    bool first = true;
    if (!entry.results.empty()) {
      os << resultType << " *result";
      first = false;
    }
    for (size_t i = 0; i < entry.args.size(); ++i) {
      os << (first ? "" : ", ") << name << "_arg" << i << "_t *arg" << i;
      first = false;
    }
    // Load mode: the weights the plain entry point passes from the files.
    for (size_t i = 0; i < entry.weights.size(); ++i) {
      os << (first ? "" : ", ") << name << "_weight" << i << "_t *weight" << i;
      first = false;
    }
    os << (first ? "void" : "") << ");\n";
    writePlainDeclaration(os, entry);
  }
  writeCHeaderEnd(os, guard);
  return os.str();
}
