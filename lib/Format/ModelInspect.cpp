//===- ModelInspect.cpp - Describe a GGUF or safetensors file -------------===//

#include "Format/ModelInspect.h"

#include "Format/JSON.h"
#include "Format/SafetensorsQuant.h"

#include <cmath>
#include <cstdio>

namespace quant4::format {

namespace {

std::string jsonString(std::string_view s) {
  std::string out;
  appendJSONString(out, s);
  return out;
}

std::string formatDouble(double d, int digits) {
  if (std::isnan(d))
    return "\"nan\"";
  if (std::isinf(d))
    return d > 0 ? "\"inf\"" : "\"-inf\"";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, d);
  return buf;
}

template <typename T> std::string joinInts(const std::vector<T> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

/// A scalar (non-string, non-array) value as a JSON literal.
std::string scalarJSON(const GGUFValue &v) {
  switch (v.type()) {
  case GGUFValueType::Bool:
    return v.bits() ? "true" : "false";
  case GGUFValueType::Float32:
    return formatDouble(*v.asDouble(), 9);
  case GGUFValueType::Float64:
    return formatDouble(*v.asDouble(), 17);
  case GGUFValueType::UInt64:
    return std::to_string(v.bits());
  default:
    return std::to_string(*v.asInt64());
  }
}

/// `v` as JSON (text mode: strings quoted the same way, arrays shortened).
std::string valueJSON(const GGUFValue &v, size_t maxElements) {
  if (v.type() == GGUFValueType::String)
    return jsonString(v.str());
  if (!v.isArray())
    return scalarJSON(v);
  uint64_t n = v.size();
  uint64_t shown = maxElements && n > maxElements ? maxElements : n;
  std::string out = "[";
  for (uint64_t i = 0; i < shown; ++i) {
    if (i)
      out += ", ";
    if (v.elementType() == GGUFValueType::String)
      out += jsonString(v.strings()[i]);
    else if (v.elementType() == GGUFValueType::Array)
      out += valueJSON(v.arrays()[i], maxElements);
    else
      out += scalarJSON(v.scalarAt(i));
  }
  if (shown < n)
    out += ", ... (" + std::to_string(n) + " total)";
  return out + "]";
}

std::string typeText(const GGUFValue &v) {
  std::string t(ggufValueTypeName(v.type()));
  if (v.isArray())
    t += "[" + std::string(ggufValueTypeName(v.elementType())) + "; " +
         std::to_string(v.size()) + "]";
  return t;
}

std::string ggufJSON(const GGUFFile &file) {
  std::string out =
      "{\"format\": \"gguf\", \"version\": " + std::to_string(file.version()) +
      ", \"alignment\": " + std::to_string(file.alignment()) +
      ", \"data_offset\": " + std::to_string(file.dataOffset()) +
      ",\n \"metadata\": [";
  bool first = true;
  for (const auto &[key, value] : file.metadata()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += "{\"key\": " + jsonString(key) + ", \"type\": \"" +
           std::string(ggufValueTypeName(value.type())) + "\"";
    if (value.isArray())
      out += ", \"element_type\": \"" +
             std::string(ggufValueTypeName(value.elementType())) + "\"";
    out += ", \"value\": " + valueJSON(value, 0) + "}";
  }
  out += "],\n \"tensors\": [";
  first = true;
  for (const GGUFTensorInfo &t : file.tensors()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += "{\"name\": " + jsonString(t.name) + ", \"type\": \"" +
           std::string(ggmlTypeName(t.type)) +
           "\", \"type_id\": " + std::to_string(static_cast<uint32_t>(t.type)) +
           ", \"ne\": " + joinInts(t.ne) +
           ", \"shape\": " + joinInts(t.rowMajorShape()) +
           ", \"bytes\": " + std::to_string(t.bytes) +
           ", \"offset\": " + std::to_string(t.offset) + "}";
  }
  return out + "]}\n";
}

std::string ggufText(const GGUFFile &file, size_t maxElements) {
  std::string out = "GGUF v" + std::to_string(file.version()) + ", alignment " +
                    std::to_string(file.alignment()) + ", data at byte " +
                    std::to_string(file.dataOffset()) + "\n";
  out += "metadata (" + std::to_string(file.metadata().size()) + "):\n";
  for (const auto &[key, value] : file.metadata())
    out += "  " + key + " : " + typeText(value) + " = " +
           valueJSON(value, maxElements) + "\n";
  out += "tensors (" + std::to_string(file.tensors().size()) + "):\n";
  for (const GGUFTensorInfo &t : file.tensors())
    out += "  " + t.name + " : " + std::string(ggmlTypeName(t.type)) +
           " ne=" + joinInts(t.ne) + " " + std::to_string(t.bytes) +
           " bytes @" + std::to_string(t.offset) + "\n";
  return out;
}

std::string groupFormat(const QuantizedTensorGroup &g) {
  return g.format == FormatKind::NF4 ? "nf4" : "mxfp4";
}

std::string safetensorsJSON(const SafetensorsFile &file,
                            const std::vector<QuantizedTensorGroup> &groups) {
  std::string out = "{\"format\": \"safetensors\", \"header_bytes\": " +
                    std::to_string(file.headerBytes()) +
                    ", \"data_offset\": " + std::to_string(file.dataOffset()) +
                    ",\n \"metadata\": {";
  bool first = true;
  for (const auto &[k, v] : file.metadata()) {
    out += (first ? "" : ", ") + jsonString(k) + ": " + jsonString(v);
    first = false;
  }
  out += "},\n \"tensors\": [";
  first = true;
  for (const SafetensorsTensorInfo &t : file.tensors()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += "{\"name\": " + jsonString(t.name) + ", \"dtype\": \"" +
           std::string(safetensorsDTypeName(t.dtype)) +
           "\", \"shape\": " + joinInts(t.shape) +
           ", \"bytes\": " + std::to_string(t.end - t.begin) +
           ", \"data_offsets\": [" + std::to_string(t.begin) + ", " +
           std::to_string(t.end) + "]}";
  }
  out += "],\n \"quantized\": [";
  first = true;
  for (const QuantizedTensorGroup &g : groups) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += "{\"name\": " + jsonString(g.name) + ", \"format\": \"" +
           groupFormat(g) + "\", \"shape\": " + joinInts(g.shape) +
           ", \"block_size\": " + std::to_string(g.blockSize) +
           ", \"double_quant\": " + (g.doubleQuant ? "true" : "false") +
           ", \"planes\": [";
    for (size_t p = 0; p < g.planes.size(); ++p)
      out += (p ? ", " : "") + std::string("{\"name\": \"") +
             std::string(g.planes[p].name) +
             "\", \"bytes\": " + std::to_string(g.planes[p].bytes.size) +
             ", \"tensor\": " + jsonString(g.planes[p].tensor) + "}";
    out += "]}";
  }
  return out + "]}\n";
}

std::string safetensorsText(const SafetensorsFile &file,
                            const std::vector<QuantizedTensorGroup> &groups) {
  std::string out =
      "safetensors, header " + std::to_string(file.headerBytes()) +
      " bytes, data at byte " + std::to_string(file.dataOffset()) + "\n";
  out += "metadata (" + std::to_string(file.metadata().size()) + "):\n";
  for (const auto &[k, v] : file.metadata())
    out += "  " + k + " = " + jsonString(v) + "\n";
  out += "tensors (" + std::to_string(file.tensors().size()) + "):\n";
  for (const SafetensorsTensorInfo &t : file.tensors())
    out += "  " + t.name + " : " + std::string(safetensorsDTypeName(t.dtype)) +
           " shape=" + joinInts(t.shape) + " " +
           std::to_string(t.end - t.begin) + " bytes @" +
           std::to_string(t.begin) + "\n";
  if (groups.empty())
    return out;
  out += "quantized tensors (" + std::to_string(groups.size()) + "):\n";
  for (const QuantizedTensorGroup &g : groups) {
    out += "  " + g.name + " : " + groupFormat(g) +
           " shape=" + joinInts(g.shape) +
           " block=" + std::to_string(g.blockSize) +
           (g.doubleQuant ? " double_quant" : "") + " planes:";
    for (const QuantPlane &p : g.planes)
      out += " " + std::string(p.name) + "=" + std::to_string(p.bytes.size);
    out += "\n";
  }
  return out;
}

} // namespace

ModelFileKind detectModelFileKind(ByteSpan head) {
  if (head.size >= 4 && head.data[0] == 'G' && head.data[1] == 'G' &&
      head.data[2] == 'U' && head.data[3] == 'F')
    return ModelFileKind::GGUF;
  if (head.size >= 9 && head.data[8] == '{')
    return ModelFileKind::Safetensors;
  return ModelFileKind::Unknown;
}

std::string describeGGUF(const GGUFFile &file, const InspectOptions &options) {
  return options.json ? ggufJSON(file)
                      : ggufText(file, options.maxArrayElements);
}

Expected<std::string> describeSafetensors(const SafetensorsFile &file,
                                          const InspectOptions &options) {
  Expected<std::vector<QuantizedTensorGroup>> groups =
      findQuantizedGroups(file);
  if (!groups)
    return groups.status();
  return options.json ? safetensorsJSON(file, *groups)
                      : safetensorsText(file, *groups);
}

Expected<std::string> inspectModelFile(const std::string &path,
                                       const InspectOptions &options) {
  Expected<std::shared_ptr<const ByteBuffer>> buffer =
      ByteBuffer::mapFile(path);
  if (!buffer)
    return buffer.status();
  std::shared_ptr<const ByteBuffer> bytes = buffer.take();
  switch (detectModelFileKind(bytes->bytes())) {
  case ModelFileKind::GGUF: {
    Expected<GGUFFile> file = GGUFFile::parse(bytes);
    if (!file)
      return Status::error(path + ": " + file.message());
    return describeGGUF(*file, options);
  }
  case ModelFileKind::Safetensors: {
    Expected<SafetensorsFile> file = SafetensorsFile::parse(bytes);
    if (!file)
      return Status::error(path + ": " + file.message());
    Expected<std::string> text = describeSafetensors(*file, options);
    if (!text)
      return Status::error(path + ": " + text.message());
    return text;
  }
  case ModelFileKind::Unknown:
    break;
  }
  return Status::error(path + ": not a GGUF or safetensors file");
}

} // namespace quant4::format
