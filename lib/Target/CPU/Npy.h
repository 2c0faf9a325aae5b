//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes little-endian, C-order .npy files (format 1.0-3.0) of the
// element types quant4 passes across its ABI: float32, float16, bfloat16
// (stored as uint16, since NumPy has no bfloat16), uint8 and int8. Plain
// C++17: no MLIR, no LLVM (a candidate for lib/Runtime).
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_CPU_NPY_H
#define QUANT4_TARGET_CPU_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace quant4::cpu {

/// Element types of .npy files quant4 reads and writes.
enum class NpyType { F32, F16, U16, U8, I8 };

/// The NumPy `descr` string of a type ("<f4", "<f2", "<u2", "|u1", "|i1").
const char *npyDescr(NpyType type);
/// Bytes per element.
int npyElementSize(NpyType type);

struct NpyArray {
  NpyType type = NpyType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; ///< Row-major element bytes.

  int64_t numElements() const;
};

/// Reads `path`; on failure returns false and sets `error` (unsupported
/// dtypes, Fortran order and truncated files are errors).
bool readNpy(const std::string &path, NpyArray &array, std::string &error);
/// Writes `array` as a format 1.0 file; false and `error` on I/O failure.
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

} // namespace quant4::cpu

#endif // QUANT4_TARGET_CPU_NPY_H
