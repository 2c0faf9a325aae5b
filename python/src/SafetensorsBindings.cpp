//===- SafetensorsBindings.cpp - safetensors files for Python -------------===//
//
// safetensors_read maps a file (SafetensorsFile) and returns its metadata and
// tensors, each a read-only numpy byte view into the mapping with its dtype
// name and shape, plus the quantized groups lib/Format recognises
// (bitsandbytes NF4, gpt-oss MXFP4) with their planes in Layout.h order;
// safetensors_write drives SafetensorsWriter.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "Format/SafetensorsFile.h"
#include "Format/SafetensorsQuant.h"
#include "Format/SafetensorsWriter.h"

#include <pybind11/stl.h>

#include <vector>

namespace py = pybind11;
using namespace quant4::format;

namespace quant4::python {

namespace {

py::dict safetensorsRead(const std::string &path) {
  Expected<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file)
    throw FormatError(file.message());
  py::dict out;
  py::dict metadata;
  for (const auto &[key, value] : file->metadata())
    metadata[py::str(key)] = value;
  out["metadata"] = metadata;
  py::list tensors;
  for (const SafetensorsTensorInfo &info : file->tensors()) {
    py::dict t;
    t["name"] = info.name;
    t["dtype"] = std::string(safetensorsDTypeName(info.dtype));
    t["shape"] = info.shape;
    t["data"] = byteView(file->tensorData(info), file->buffer());
    tensors.append(t);
  }
  out["tensors"] = tensors;
  Expected<std::vector<QuantizedTensorGroup>> groups =
      findQuantizedGroups(*file);
  if (!groups)
    throw FormatError(path + ": " + groups.message());
  py::list quantized;
  for (const QuantizedTensorGroup &g : *groups) {
    py::dict q;
    q["name"] = g.name;
    FormatSpec spec = g.format == FormatKind::NF4
                          ? FormatSpec::nf4(g.blockSize, g.doubleQuant)
                          : FormatSpec::mxfp4(g.mxfp4Layout);
    q["format"] = spec;
    q["shape"] = g.shape;
    q["members"] = g.members;
    py::dict planes;
    for (const QuantPlane &p : g.planes) {
      // Planes read from a tensor are views; NF4's offset (from the JSON
      // quant state) is owned by the group and copied.
      py::array view = byteView(p.bytes, file->buffer());
      planes[py::str(std::string(p.name))] =
          p.tensor.empty() ? py::array(view.attr("copy")()) : view;
    }
    q["planes"] = planes;
    quantized.append(q);
  }
  out["quantized"] = quantized;
  return out;
}

void safetensorsWrite(const std::string &path, const py::dict &metadata,
                      const py::list &tensors) {
  SafetensorsWriter writer;
  for (auto [key, value] : metadata)
    writer.setMetadata(key.cast<std::string>(), value.cast<std::string>());
  // The writer borrows the bytes: keep every array alive until write().
  std::vector<py::array> keepAlive;
  for (py::handle item : tensors) {
    auto entry = item.cast<py::tuple>();
    std::string dtypeName = entry[1].cast<std::string>();
    std::optional<SafetensorsDType> dtype = safetensorsDTypeFromName(dtypeName);
    if (!dtype)
      throw py::value_error("unknown safetensors dtype '" + dtypeName + "'");
    ByteSpan span = borrowBytes(entry[3], keepAlive);
    check(writer.addTensor(entry[0].cast<std::string>(), *dtype,
                           entry[2].cast<std::vector<int64_t>>(), span));
  }
  check(writer.write(path));
}

} // namespace

void registerSafetensorsBindings(py::module_ &m) {
  m.def("safetensors_read", &safetensorsRead, py::arg("path"),
        "Maps a safetensors file: {metadata, tensors}.");
  m.def("safetensors_write", &safetensorsWrite, py::arg("path"),
        py::arg("metadata"), py::arg("tensors"),
        "Writes a safetensors file from (name, dtype, shape, bytes) tensors.");
}

} // namespace quant4::python
