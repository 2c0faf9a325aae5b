//===- LibraryInterface.h - the C interface of a compiled library -*- C++ -*-=//
//
// What a q4-compile library exports, as the CPU target's wrappers
// (lib/Target/CPU/PlainCWrappers.h, LibraryFunctions.h) and header writer
// (LibraryHeader.h) see it: its entry points and, when weights are read at
// load time, the tensors it reads from model files. The C names of entry
// points are every target's (plainCName).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_HOSTABI_LIBRARYINTERFACE_H
#define QUANT4_TARGET_HOSTABI_LIBRARYINTERFACE_H

#include "Target/HostABI/EntrySignature.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// How the tensors named by quant4.weight ops reach the compiled code.
enum class WeightsMode {
  /// Read at compile time and embedded in the library.
  Embed,
  /// Read from the model files when the library is first used.
  Load,
};

/// A tensor a load-mode library reads from a model file (see
/// lib/Runtime/WeightTable.h for how the runtime checks it).
struct WeightBinding {
  /// The file and tensor the quant4.weight op names.
  std::string file, tensor;
  /// "f32", "f16", "bf16" or the format as lib/Format's describe() spells it.
  std::string element;
  /// Logical shape.
  std::vector<int64_t> shape;
  /// Bytes the compiled code reads.
  int64_t bytes = 0;
  /// How the compiled code receives it: the float tensor, or the blocked
  /// storage as 1-D bytes.
  AbiTensor abi;
};

struct LibraryInterface {
  /// <lib> in q4_<lib>_error / q4_<lib>_init.
  std::string name;
  std::vector<EntrySignature> entries;
  WeightsMode weightsMode = WeightsMode::Embed;
  /// Load mode: every weight the entries take, once each.
  std::vector<WeightBinding> weights;
  /// Load mode: the directory relative model-file paths are resolved against
  /// unless the caller names another.
  std::string weightsDir;

  bool loadsWeights() const { return weightsMode == WeightsMode::Load; }
  /// `q4_<lib>_error`: this thread's last error message.
  std::string errorFunction() const { return "q4_" + name + "_error"; }
  /// `q4_<lib>_init` (load mode): (re)loads the weights.
  std::string initFunction() const { return "q4_" + name + "_init"; }
  /// `Q4_<LIB>_WEIGHTS_DIR`: overrides weightsDir.
  std::string weightsDirVariable() const;
};

/// The symbol of the plain C entry point of `entry`: q4_<entry>.
std::string plainCName(const std::string &entry);

/// A C identifier made of `text` (other characters become '_').
std::string cIdentifier(const std::string &text);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_HOSTABI_LIBRARYINTERFACE_H
