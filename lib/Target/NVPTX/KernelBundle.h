//===- KernelBundle.h - PTX files + launch manifest from a module -*- C++
//-*-===//
//
// After --quant4-nvptx-pipeline a module holds gpu.binary ops (PTX text) and
// host functions that only call gpu.launch_func on their own arguments.
// writeKernelBundle writes that down for lib/Runtime (KernelBundle there):
//
//   <prefix>.<binary>.ptx   the PTX of each gpu.binary
//   <prefix>.manifest       one line per host function and per launch:
//     quant4-nvptx-bundle 1
//     func <name> <arguments>
//     arg <index> <bytes> <memref type>
//     scratch <index> <bytes> <memref type>
//     launch <ptx file> <kernel> <grid x y z> <block x y z> [shared=<bytes>]
//            [pdl] <operands>
//   where shared= is the launch's dynamic shared memory (written when the
//   gpu.launch_func asks for more than 0 bytes; readers before it fail on
//   the word as a bad operand, readers since take its absence as 0; the
//   runtime opts the kernel in to that size), pdl marks a kernel whose PTX
//   executes griddepcontrol.wait (it waits for the kernel before it itself,
//   so the runtime launches it with programmatic stream serialization and
//   it can start while that kernel finishes), an operand is a<i> (the
//   function's memref argument i, passed as its bare device pointer), s<i>
//   (scratch buffer i: a temporary between kernels, allocated by the
//   runtime) or i64:<v> / i32:<v> / f32:<bits> (a constant).
//
// Kernel ABI (use-bare-ptr-memref-call-conv): every memref is one pointer to
// its first element; for matmul the host function is
//   f(x: memref<MxK f32>, storage: memref<B x i8>, y: memref<MxN f32>)
// (activations, format storage bytes, output), each kernel takes the
// operands the manifest lists, in that order.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_NVPTX_KERNELBUNDLE_H
#define QUANT4_TARGET_NVPTX_KERNELBUNDLE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// A bundle in memory: the manifest text and each gpu.binary's PTX.
struct KernelBundleText {
  struct Ptx {
    std::string binary; // the gpu.binary's name
    std::string file;   // the name the manifest's launch lines use
    std::string text;
  };
  std::string manifest;
  std::vector<Ptx> ptx;
};

/// The bundle of `module`, its PTX files named `<base>.<binary>.ptx`; emits
/// located errors for anything a bare host cannot run.
FailureOr<KernelBundleText> buildKernelBundle(ModuleOp module, StringRef base);

/// Writes the bundle next to `prefix` (a path without extension).
LogicalResult writeKernelBundle(ModuleOp module, const std::string &prefix);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_KERNELBUNDLE_H
