//===- Bindings.h - Shared helpers of the _format module --------*- C++ -*-===//
//
// The pieces of python/src that more than one binding file needs: the
// registration functions each file provides, the FormatError exception and
// zero-copy numpy views that keep a lib/Format ByteBuffer alive.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_PYTHON_BINDINGS_H
#define QUANT4_PYTHON_BINDINGS_H

#include "Format/ByteBuffer.h"
#include "Format/Codec.h"
#include "Format/Status.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace quant4::python {

/// Raised (as quant4.FormatError, a ValueError) for data that lib/Format
/// rejects: malformed files, storage of the wrong size, bad parameters.
class FormatError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Throws FormatError with the status message when `status` failed.
inline void check(const format::Status &status) {
  if (!status.ok())
    throw FormatError(status.message());
}

/// A read-only uint8 numpy array over `span`, keeping `owner` alive.
pybind11::array
byteView(format::ByteSpan span,
         const std::shared_ptr<const format::ByteBuffer> &owner);

/// The bytes of the C-contiguous numpy array `array` (converted when
/// needed); the array is appended to `keepAlive`, which must outlive every
/// use of the span. TypeError when `array` is not array-like.
format::ByteSpan borrowBytes(pybind11::handle array,
                             std::vector<pybind11::array> &keepAlive);

/// A FormatSpec from its Python form (kind "q4_k", "nf4", "mxfp4", "q4_0",
/// "q8_0" and the options); ValueError for unknown names or bad options.
format::FormatSpec makeSpec(const std::string &kind, int64_t nf4BlockSize,
                            bool nf4DoubleQuant, const std::string &layout,
                            const std::string &rule);

void registerFormatBindings(pybind11::module_ &m);
void registerGGUFBindings(pybind11::module_ &m);
void registerSafetensorsBindings(pybind11::module_ &m);

} // namespace quant4::python

#endif // QUANT4_PYTHON_BINDINGS_H
