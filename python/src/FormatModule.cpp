//===- FormatModule.cpp - The quant4._format extension module -------------===//
//
// lib/Format for Python: format specs, quantize / dequantize on planar
// storage, float conversions, GGUF and safetensors files. Links no MLIR.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

namespace py = pybind11;

PYBIND11_MODULE(_format, m) {
  m.doc() = "quant4 formats and model files (lib/Format bindings)";
  py::register_exception<quant4::python::FormatError>(m, "FormatError",
                                                      PyExc_ValueError);
  quant4::python::registerFormatBindings(m);
  quant4::python::registerGGUFBindings(m);
  quant4::python::registerSafetensorsBindings(m);
}
