//===- GGUFBindings.cpp - GGUF files for Python ---------------------------===//
//
// gguf_read maps a file (GGUFFile) and returns its metadata and tensors; tensor
// bytes are read-only numpy views into the mapping. ModelFile classifies each
// tensor (float elements or a lib/Format blocked format), so Python sees the
// same formats the compiler does. gguf_write drives GGUFWriter.
//
// Metadata values cross as (type, value): type is gguf's name ("u32", "str",
// ...) or "arr[<element type>]"; numeric arrays are numpy arrays of the
// element type, string arrays lists of str, arrays of arrays lists of
// (type, value) pairs.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"
#include "Format/ModelTensor.h"

#include <pybind11/stl.h>

#include <cstring>
#include <vector>

namespace py = pybind11;
using namespace quant4::format;

namespace quant4::python {

namespace {

std::optional<GGUFValueType> valueTypeFromName(std::string_view name) {
  for (uint32_t id = 0; isGGUFValueType(id); ++id)
    if (ggufValueTypeName(static_cast<GGUFValueType>(id)) == name)
      return static_cast<GGUFValueType>(id);
  return std::nullopt;
}

GGUFValueType parseValueType(std::string_view name) {
  std::optional<GGUFValueType> type = valueTypeFromName(name);
  if (!type)
    throw py::value_error("unknown GGUF value type '" + std::string(name) +
                          "'");
  return *type;
}

py::dtype numpyDType(GGUFValueType type) {
  switch (type) {
  case GGUFValueType::UInt8:
    return py::dtype("<u1");
  case GGUFValueType::Int8:
    return py::dtype("<i1");
  case GGUFValueType::UInt16:
    return py::dtype("<u2");
  case GGUFValueType::Int16:
    return py::dtype("<i2");
  case GGUFValueType::UInt32:
    return py::dtype("<u4");
  case GGUFValueType::Int32:
    return py::dtype("<i4");
  case GGUFValueType::UInt64:
    return py::dtype("<u8");
  case GGUFValueType::Int64:
    return py::dtype("<i8");
  case GGUFValueType::Float32:
    return py::dtype("<f4");
  case GGUFValueType::Float64:
    return py::dtype("<f8");
  default:
    return py::dtype("?");
  }
}

py::str decodeUTF8(const std::string &s) {
  PyObject *obj = PyUnicode_DecodeUTF8(s.data(), s.size(), "replace");
  if (!obj)
    throw py::error_already_set();
  return py::reinterpret_steal<py::str>(obj);
}

py::object scalarToPython(const GGUFValue &v) {
  switch (v.type()) {
  case GGUFValueType::Float32:
  case GGUFValueType::Float64:
    return py::float_(*v.asDouble());
  case GGUFValueType::Bool:
    return py::bool_(v.bits() != 0);
  case GGUFValueType::String:
    return decodeUTF8(v.str());
  case GGUFValueType::Int8:
  case GGUFValueType::Int16:
  case GGUFValueType::Int32:
  case GGUFValueType::Int64:
    return py::int_(*v.asInt64());
  default:
    return py::int_(*v.asUInt64());
  }
}

py::tuple valueToPython(const GGUFValue &v) {
  if (!v.isArray())
    return py::make_tuple(std::string(ggufValueTypeName(v.type())),
                          scalarToPython(v));
  std::string type =
      "arr[" + std::string(ggufValueTypeName(v.elementType())) + "]";
  if (v.elementType() == GGUFValueType::String) {
    py::list strings;
    for (const std::string &s : v.strings())
      strings.append(decodeUTF8(s));
    return py::make_tuple(type, strings);
  }
  if (v.elementType() == GGUFValueType::Array) {
    py::list arrays;
    for (const GGUFValue &a : v.arrays())
      arrays.append(valueToPython(a));
    return py::make_tuple(type, arrays);
  }
  if (v.elementType() == GGUFValueType::Bool) {
    py::list bools;
    for (uint8_t b : v.raw())
      bools.append(py::bool_(b != 0));
    return py::make_tuple(type, bools);
  }
  py::dtype dtype = numpyDType(v.elementType());
  py::array array(dtype,
                  std::vector<py::ssize_t>{static_cast<py::ssize_t>(v.size())},
                  std::vector<py::ssize_t>{});
  std::memcpy(array.mutable_data(), v.raw().data(), v.raw().size());
  return py::make_tuple(type, array);
}

GGUFValue valueFromPython(const py::tuple &typed) {
  if (typed.size() != 2)
    throw py::value_error("a GGUF value is a (type, value) pair");
  std::string type = typed[0].cast<std::string>();
  py::handle value = typed[1];
  if (type.rfind("arr[", 0) != 0 || type.back() != ']') {
    GGUFValueType t = parseValueType(type);
    switch (t) {
    case GGUFValueType::String:
      return GGUFValue::string(value.cast<std::string>());
    case GGUFValueType::Float32:
      return GGUFValue::f32(value.cast<float>());
    case GGUFValueType::Float64:
      return GGUFValue::f64(value.cast<double>());
    case GGUFValueType::Bool:
      return GGUFValue::boolean(value.cast<bool>());
    case GGUFValueType::Int8:
    case GGUFValueType::Int16:
    case GGUFValueType::Int32:
    case GGUFValueType::Int64:
      return GGUFValue::scalar(t, static_cast<uint64_t>(value.cast<int64_t>()));
    case GGUFValueType::Array:
      throw py::value_error("GGUF array type needs an element type: arr[...]");
    default:
      return GGUFValue::scalar(t, value.cast<uint64_t>());
    }
  }
  GGUFValueType element = parseValueType(type.substr(4, type.size() - 5));
  if (element == GGUFValueType::String)
    return GGUFValue::stringArray(value.cast<std::vector<std::string>>());
  if (element == GGUFValueType::Array) {
    std::vector<GGUFValue> arrays;
    for (py::handle item : value)
      arrays.push_back(valueFromPython(item.cast<py::tuple>()));
    return GGUFValue::arrayArray(std::move(arrays));
  }
  // Numeric arrays arrive as numpy arrays already of the element dtype.
  py::array array = py::array::ensure(value, py::array::c_style);
  if (!array)
    throw py::type_error("GGUF array values must be numpy arrays");
  size_t bytes = array.nbytes();
  const auto *data = static_cast<const uint8_t *>(array.data());
  return GGUFValue::scalarArray(element,
                                std::vector<uint8_t>(data, data + bytes));
}

py::dict tensorToPython(const GGUFFile &file, const GGUFTensorInfo &info,
                        const ModelFile &model) {
  py::dict t;
  t["name"] = info.name;
  t["ggml_type"] = std::string(ggmlTypeName(info.type));
  t["shape"] = info.rowMajorShape();
  t["data"] = byteView(file.tensorData(info), file.buffer());
  Expected<ModelTensor> classified = model.tensor(info.name);
  t["element"] = py::none();
  t["format"] = py::none();
  if (classified) {
    if (classified->element == ModelTensor::Element::Blocked)
      t["format"] = classified->format;
    else
      t["element"] = classified->describeElement();
  }
  return t;
}

py::dict ggufRead(const std::string &path) {
  Expected<GGUFFile> file = GGUFFile::open(path);
  if (!file)
    throw FormatError(file.message());
  Expected<std::shared_ptr<ModelFile>> model = ModelFile::open(path);
  if (!model)
    throw FormatError(model.message());
  py::dict out;
  out["version"] = file->version();
  out["alignment"] = file->alignment();
  py::list metadata;
  for (const auto &[key, value] : file->metadata())
    metadata.append(py::make_tuple(key, valueToPython(value)));
  out["metadata"] = metadata;
  py::list tensors;
  for (const GGUFTensorInfo &info : file->tensors())
    tensors.append(tensorToPython(*file, info, **model));
  out["tensors"] = tensors;
  return out;
}

void ggufWrite(const std::string &path, const py::list &metadata,
               const py::list &tensors) {
  GGUFWriter writer;
  for (py::handle item : metadata) {
    auto entry = item.cast<py::tuple>();
    check(writer.setMetadata(entry[0].cast<std::string>(),
                             valueFromPython(entry[1].cast<py::tuple>())));
  }
  // The writer borrows the bytes: keep every array alive until write().
  std::vector<py::array> keepAlive;
  for (py::handle item : tensors) {
    auto entry = item.cast<py::tuple>();
    std::string name = entry[0].cast<std::string>();
    std::string typeName = entry[1].cast<std::string>();
    std::optional<GGMLType> type = ggmlTypeFromName(typeName);
    if (!type)
      throw py::value_error("unknown ggml type '" + typeName + "'");
    auto ne = entry[2].cast<std::vector<int64_t>>();
    ByteSpan span = borrowBytes(entry[3], keepAlive);
    check(writer.addTensor(std::move(name), *type, std::move(ne), span));
  }
  check(writer.write(path));
}

} // namespace

void registerGGUFBindings(py::module_ &m) {
  m.def("gguf_read", &ggufRead, py::arg("path"),
        "Maps a GGUF file: {version, alignment, metadata, tensors}.");
  m.def("gguf_write", &ggufWrite, py::arg("path"), py::arg("metadata"),
        py::arg("tensors"),
        "Writes a GGUF v3 file from (key, (type, value)) metadata and "
        "(name, ggml type, ne, bytes) tensors.");
}

} // namespace quant4::python
