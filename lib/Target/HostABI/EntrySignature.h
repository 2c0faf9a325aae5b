//===- EntrySignature.h - the C ABI of a compiled entry function -*- C++ -*-=//
//
// Entry functions take and return ranked tensors of f32, f16, bf16, i8 or
// ui8, static or with dynamic dimensions. Every host library q4-compile
// writes passes them across its C ABI: the CPU target as memref descriptors
// through the `llvm.emit_c_interface` wrapper `_mlir_ciface_<name>` (results
// first, through one pointer to a struct of descriptors) and as dense
// buffers through `q4_<name>`, the NVPTX target as device pointers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_HOSTABI_ENTRYSIGNATURE_H
#define QUANT4_TARGET_HOSTABI_ENTRYSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::quant4 {

/// The element types a tensor may have at the ABI.
enum class AbiElementType { F32, F16, BF16, U8, I8 };

/// Bytes per element.
int abiElementSize(AbiElementType type);
/// The C type of a buffer element: "float", "uint16_t" (f16 and bf16 as
/// their bits), "uint8_t" or "int8_t".
const char *abiCType(AbiElementType type);

/// One tensor at the ABI: element type and shape, whose dynamic dimensions
/// are ShapedType::kDynamic.
struct AbiTensor {
  AbiElementType type;
  std::vector<int64_t> shape;

  bool isDynamicDim(size_t i) const;
  bool hasStaticShape() const;
  /// The number of elements; only for a static shape.
  int64_t numElements() const;
  /// "?x4096xf32", as in the MLIR tensor type.
  std::string describe() const;
  /// Words of its memref descriptor: 2 pointers, offset, sizes, strides.
  size_t descriptorWords() const { return 3 + 2 * shape.size(); }
};

struct EntrySignature {
  std::string name;
  std::vector<AbiTensor> args, results;
  /// With weights read at load time: the library's weights (indices into
  /// LibraryInterface::weights) this entry takes after its arguments.
  std::vector<size_t> weights;
};

/// The ABI element type of `type` (f32, f16, bf16, ui8, i8), or nullopt.
std::optional<AbiElementType> abiElementType(Type type);

/// The functions named in `names`, or every public function with a body
/// when `names` is empty; emits an error for a name not in `module`.
FailureOr<SmallVector<func::FuncOp>>
collectEntries(ModuleOp module, ArrayRef<std::string> names);

/// The ABI signature of `func` (static shapes only unless
/// `allowDynamicDims`); emits an error at the function when it has none. The
/// GPU host library (lib/Target/NVPTX/HostLibrary.h) takes the same tensors
/// as device pointers.
FailureOr<EntrySignature> getEntrySignature(func::FuncOp func,
                                            bool allowDynamicDims = false);

/// getEntrySignature, and marks `func` `llvm.emit_c_interface`.
FailureOr<EntrySignature> prepareEntry(func::FuncOp func,
                                       bool allowDynamicDims = false);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_HOSTABI_ENTRYSIGNATURE_H
