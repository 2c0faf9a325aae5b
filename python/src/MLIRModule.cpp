//===- MLIRModule.cpp - The quant4._mlir extension module -----------------===//
//
// quant4.ir's native half: MLIR text in, MLIR text (or diagnostics) out. The
// MLIR work happens in IRService (no exceptions, no RTTI, like libMLIR); this
// file only converts its plain results to Python objects.
//
//===----------------------------------------------------------------------===//

#include "IRService.h"
#ifdef QUANT4_PYTHON_HAVE_JIT
#include "JitService.h"
#endif

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>

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

#ifdef QUANT4_PYTHON_HAVE_JIT
using ::quant4::cpu::NpyArray;
using ::quant4::cpu::NpyType;

constexpr std::pair<NpyType, const char *> kNpyTypes[] = {
    {NpyType::F32, "<f4"}, {NpyType::F16, "<f2"}, {NpyType::U16, "<u2"},
    {NpyType::U8, "u1"},   {NpyType::I8, "i1"},
};

NpyArray toNpy(const py::handle &object) {
  py::array array = py::array::ensure(object, py::array::c_style);
  if (!array)
    throw py::type_error("arguments must be numpy arrays");
  NpyArray out;
  bool known = false;
  for (auto [type, descr] : kNpyTypes)
    if (array.dtype().is(py::dtype(descr)) ||
        array.dtype().equal(py::dtype(descr))) {
      out.type = type;
      known = true;
    }
  if (!known)
    throw py::type_error(
        "unsupported argument dtype " +
        py::str(array.dtype()).cast<std::string>() +
        " (the CPU ABI takes float32, float16, bf16 bits as uint16, uint8 "
        "and int8)");
  out.shape.assign(array.shape(), array.shape() + array.ndim());
  const auto *data = static_cast<const uint8_t *>(array.data());
  out.data.assign(data, data + array.nbytes());
  return out;
}

py::array fromNpy(const NpyArray &array) {
  const char *descr = "<f4";
  for (auto [type, name] : kNpyTypes)
    if (type == array.type)
      descr = name;
  std::vector<py::ssize_t> shape(array.shape.begin(), array.shape.end());
  py::array out(py::dtype(descr), shape);
  std::memcpy(out.mutable_data(), array.data.data(), array.data.size());
  return out;
}

void bindJit(py::module_ &m) {
  py::class_<CompiledFunction>(m, "CompiledFunction")
      .def("run", [](CompiledFunction &fn, const py::list &args) {
        std::vector<NpyArray> inputs;
        for (py::handle arg : args)
          inputs.push_back(toNpy(arg));
        std::vector<NpyArray> outputs;
        std::string error;
        bool ok;
        {
          py::gil_scoped_release release;
          ok = fn.run(inputs, outputs, error);
        }
        if (!ok)
          throw py::value_error(error);
        py::list results;
        for (const NpyArray &out : outputs)
          results.append(fromNpy(out));
        return results;
      });
  m.def(
      "compile_cpu",
      [](const std::string &source, const std::string &name,
         const std::string &entry, int64_t threads,
         const std::string &activations) {
        IRResult result;
        std::unique_ptr<CompiledFunction> fn;
        {
          py::gil_scoped_release release;
          fn = CompiledFunction::compile(source, name, entry, threads,
                                         activations, result);
        }
        return py::make_tuple(toPython(result), std::move(fn));
      },
      py::arg("source"), py::arg("name"), py::arg("entry"),
      py::arg("threads") = 1, py::arg("activations") = "");
}
#endif

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
  m.attr("HAVE_NVPTX") = haveNVPTX();
  m.def(
      "compile_ptx",
      [](const std::string &source, const std::string &name,
         const std::string &chip, const std::string &features, int64_t threads,
         const std::string &activations) {
        IRResult result;
        PTXBundle bundle;
        {
          py::gil_scoped_release release;
          result = compileToPTX(source, name, chip, features, threads,
                                activations, bundle);
        }
        py::list modules;
        for (const PTXBundle::Module &module : bundle.modules)
          modules.append(py::make_tuple(module.name, module.file, module.ptx));
        return py::make_tuple(toPython(result), bundle.manifest, modules);
      },
      py::arg("source"), py::arg("name"), py::arg("chip") = "sm_90",
      py::arg("features") = "+ptx80", py::arg("threads") = 128,
      py::arg("activations") = "");
#ifdef QUANT4_PYTHON_HAVE_JIT
  bindJit(m);
  m.attr("HAVE_JIT") = true;
#else
  m.attr("HAVE_JIT") = false;
#endif
}
