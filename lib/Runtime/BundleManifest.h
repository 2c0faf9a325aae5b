//===- BundleManifest.h - The launch manifest q4-nvptx writes ---*- C++ -*-===//
//
// Parses <prefix>.manifest (format: lib/Target/NVPTX/KernelBundle.h): host
// functions, their memref arguments (bytes and type) and the kernels each
// launches, in order. Pure parsing; KernelBundle.h loads and runs it.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_BUNDLEMANIFEST_H
#define QUANT4_RUNTIME_BUNDLEMANIFEST_H

#include "Format/Expected.h"
#include "Runtime/CudaModule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quant4::runtime {

/// One kernel operand: argument `value` of the host function (its device
/// pointer), scratch buffer `value`, or a constant.
struct BundleOperand {
  enum class Kind { Argument, Scratch, I32, I64, F32 } kind;
  int64_t value; // the argument/scratch index, the integer, the f32's bits
};

struct BundleLaunch {
  std::string ptxFile;
  std::string kernel;
  Dim3 grid, block;
  /// Dynamic shared memory per launch block (the gpu.launch's
  /// dynamic_shared_memory_size; 0 when the line has no shared=).
  unsigned sharedBytes = 0;
  /// Launched with programmatic stream serialization (the line's `pdl`): the
  /// kernel waits for the one before it (griddepcontrol.wait) itself.
  bool programmatic = false;
  std::vector<BundleOperand> operands;
};

struct BundleArgument {
  uint64_t bytes;
  std::string type; // e.g. "memref<1x4096xf32>"
};

struct BundleFunction {
  std::string name;
  std::vector<BundleArgument> arguments;
  /// Temporaries between kernels; the runtime allocates them.
  std::vector<BundleArgument> scratch;
  std::vector<BundleLaunch> launches;
};

/// The functions of a manifest; errors name the line.
format::Expected<std::vector<BundleFunction>>
parseBundleManifest(const std::string &text);

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_BUNDLEMANIFEST_H
