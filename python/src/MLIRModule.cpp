//===- MLIRModule.cpp - The quant4._mlir extension module -----------------===//
//
// quant4.ir's native half: MLIR text in, MLIR text (or diagnostics) out. The
// MLIR work happens in IRService (no exceptions, no RTTI, like libMLIR); this
// file only converts its plain results to Python objects.
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace quant4::python;

namespace {

/// {"ok": bool, "text": str, "diagnostics": [dict, ...]}.
py::dict toPython(const IRResult &result) {
  py::list diagnostics;
  for (const IRDiagnostic &d : result.diagnostics) {
    py::dict diag;
    diag["severity"] = d.severity;
    diag["location"] = d.location;
    diag["file"] = d.file;
    diag["line"] = d.line;
    diag["column"] = d.column;
    diag["message"] = d.message;
    diagnostics.append(diag);
  }
  py::dict out;
  out["ok"] = result.ok;
  out["text"] = result.text;
  out["diagnostics"] = diagnostics;
  return out;
}

} // namespace

PYBIND11_MODULE(_mlir, m) {
  m.doc() = "quant4 MLIR services (parse, verify, print, pass pipelines)";
  m.def(
      "parse",
      [](const std::string &source, const std::string &name, bool generic,
         bool debugInfo) {
        IRResult result;
        {
          py::gil_scoped_release release;
          result = parseModule(source, name, {generic, debugInfo});
        }
        return toPython(result);
      },
      py::arg("source"), py::arg("name") = "<string>",
      py::arg("generic") = false, py::arg("debug_info") = false);
  m.def(
      "run_pipeline",
      [](const std::string &source, const std::string &name,
         const std::string &pipeline, bool generic, bool debugInfo) {
        IRResult result;
        {
          py::gil_scoped_release release;
          result = runPipeline(source, name, pipeline, {generic, debugInfo});
        }
        return toPython(result);
      },
      py::arg("source"), py::arg("name"), py::arg("pipeline"),
      py::arg("generic") = false, py::arg("debug_info") = false);
}
