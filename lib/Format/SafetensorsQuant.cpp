//===- SafetensorsQuant.cpp - Quantized tensor groups in safetensors
//-------===//

#include "Format/SafetensorsQuant.h"

#include "Format/JSON.h"

#include <cstring>

namespace quant4::format {

namespace {

constexpr std::string_view kNF4StateSuffix = ".quant_state.bitsandbytes__nf4";
constexpr std::string_view kQuantStatePrefix = ".quant_state.bitsandbytes__";

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

Status groupError(const std::string &group, const std::string &what) {
  return Status::error("quantized tensor '" + group + "': " + what);
}

/// ceil(a / b) for a >= 0, b > 0.
int64_t ceilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0); }

/// The tensor `name`, required to be of `dtype` with `elements` values.
Expected<const SafetensorsTensorInfo *>
requireTensor(const SafetensorsFile &file, const std::string &group,
              const std::string &name, SafetensorsDType dtype,
              int64_t elements) {
  const SafetensorsTensorInfo *t = file.findTensor(name);
  if (!t)
    return groupError(group, "missing tensor '" + name + "'");
  if (t->dtype != dtype)
    return groupError(group, "tensor '" + name + "' has dtype " +
                                 std::string(safetensorsDTypeName(t->dtype)) +
                                 ", expected " +
                                 std::string(safetensorsDTypeName(dtype)));
  if (t->numElements() != elements)
    return groupError(
        group, "tensor '" + name + "' has " + std::to_string(t->numElements()) +
                   " values, expected " + std::to_string(elements));
  return t;
}

std::optional<int64_t> jsonInt(const JSONValue &state, std::string_view key) {
  const JSONValue *v = state.find(key);
  return v ? v->asInt64() : std::nullopt;
}

class NF4GroupBuilder {
public:
  NF4GroupBuilder(const SafetensorsFile &file, std::string name) : file_(file) {
    group_.name = std::move(name);
    group_.format = FormatKind::NF4;
  }

  Expected<QuantizedTensorGroup>
  build(const SafetensorsTensorInfo &stateTensor) {
    const std::string &g = group_.name;
    if (stateTensor.dtype != SafetensorsDType::U8)
      return groupError(g, "quant state is not a uint8 tensor");
    ByteSpan stateBytes = file_.tensorData(stateTensor);
    Expected<JSONValue> state = parseJSON(std::string_view(
        reinterpret_cast<const char *>(stateBytes.data), stateBytes.size));
    if (!state)
      return groupError(g, "bad quant state: " + state.message());
    if (!state->isObject())
      return groupError(g, "quant state is not a JSON object");
    if (Status s = readState(*state); !s)
      return s;
    group_.members.push_back(stateTensor.name);
    if (Status s = collectPlanes(); !s)
      return s;
    return std::move(group_);
  }

private:
  const SafetensorsFile &file_;
  QuantizedTensorGroup group_;
  int64_t nestedBlockSize_ = 0;
  float offset_ = 0;

  Status readState(const JSONValue &state) {
    const std::string &g = group_.name;
    const JSONValue *type = state.find("quant_type");
    if (!type || !type->isString() || type->text() != "nf4")
      return groupError(g, "quant_type is not \"nf4\"");
    std::optional<int64_t> blockSize = jsonInt(state, "blocksize");
    if (!blockSize || !isValidNF4BlockSize(*blockSize))
      return groupError(g,
                        "blocksize missing or not a power of two in 32..4096");
    group_.blockSize = *blockSize;
    const JSONValue *dtype = state.find("dtype");
    if (dtype && dtype->isString())
      group_.dtype = dtype->text();
    const JSONValue *shape = state.find("shape");
    if (!shape || !shape->isArray() || shape->items().empty())
      return groupError(g, "quant state has no shape");
    int64_t n = 1;
    for (const JSONValue &d : shape->items()) {
      std::optional<int64_t> dim = d.asInt64();
      if (!dim || *dim < 0 || __builtin_mul_overflow(n, *dim, &n) ||
          n > (INT64_MAX >> 4))
        return groupError(g, "quant state shape is invalid or too large");
      group_.shape.push_back(*dim);
    }
    if (state.find("nested_blocksize")) {
      std::optional<int64_t> nested = jsonInt(state, "nested_blocksize");
      const JSONValue *offset = state.find("nested_offset");
      if (!nested || *nested != kNF4NestedBlock)
        return groupError(g, "nested_blocksize must be 256");
      if (!offset || !offset->asDouble())
        return groupError(g, "nested_offset missing or not a number");
      group_.doubleQuant = true;
      nestedBlockSize_ = *nested;
      offset_ = static_cast<float>(*offset->asDouble());
    }
    return Status::success();
  }

  Status addPlane(std::string_view plane, const std::string &suffix,
                  SafetensorsDType dtype, int64_t elements) {
    std::string name = group_.name + suffix;
    Expected<const SafetensorsTensorInfo *> t =
        requireTensor(file_, group_.name, name, dtype, elements);
    if (!t)
      return t.status();
    group_.planes.push_back({plane, file_.tensorData(**t), name});
    group_.members.push_back(name);
    return Status::success();
  }

  Status collectPlanes() {
    int64_t n = group_.numElements();
    int64_t blocks = ceilDiv(n, group_.blockSize);
    if (Status s = addPlane("codes", "", SafetensorsDType::U8, ceilDiv(n, 2));
        !s)
      return s;
    if (!group_.doubleQuant) {
      if (Status s =
              addPlane("absmax", ".absmax", SafetensorsDType::F32, blocks);
          !s)
        return s;
    } else {
      if (Status s =
              addPlane("qabsmax", ".absmax", SafetensorsDType::U8, blocks);
          !s)
        return s;
      if (Status s =
              addPlane("absmax2", ".nested_absmax", SafetensorsDType::F32,
                       ceilDiv(blocks, nestedBlockSize_));
          !s)
        return s;
      group_.owned = std::make_shared<std::vector<uint8_t>>(sizeof(float));
      std::memcpy(group_.owned->data(), &offset_, sizeof(float));
      group_.planes.push_back(
          {"offset", {group_.owned->data(), group_.owned->size()}, ""});
    }
    if (Status s = codeTable(".quant_map", 16, group_.quantMap); !s)
      return s;
    if (group_.doubleQuant)
      if (Status s = codeTable(".nested_quant_map", 256, group_.nestedQuantMap);
          !s)
        return s;
    return Status::success();
  }

  /// An optional float32 table of `entries` values.
  Status codeTable(const std::string &suffix, int64_t entries, ByteSpan &out) {
    std::string name = group_.name + suffix;
    if (!file_.findTensor(name))
      return Status::success();
    Expected<const SafetensorsTensorInfo *> t =
        requireTensor(file_, group_.name, name, SafetensorsDType::F32, entries);
    if (!t)
      return t.status();
    out = file_.tensorData(**t);
    group_.members.push_back(name);
    return Status::success();
  }
};

/// The base name of a gpt-oss blocks tensor, or nullopt.
std::optional<std::string> mxfp4Base(const std::string &name,
                                     std::string &scalesName) {
  for (std::string_view sep : {".", "_"}) {
    std::string suffix = std::string(sep) + "blocks";
    if (endsWith(name, suffix)) {
      std::string base = name.substr(0, name.size() - suffix.size());
      scalesName = base + std::string(sep) + "scales";
      return base;
    }
  }
  return std::nullopt;
}

Expected<QuantizedTensorGroup>
buildMXFP4Group(const SafetensorsFile &file, const std::string &base,
                const SafetensorsTensorInfo &blocks,
                const SafetensorsTensorInfo &scales) {
  if (blocks.dtype != SafetensorsDType::U8 ||
      scales.dtype != SafetensorsDType::U8)
    return groupError(base, "MXFP4 blocks and scales must be uint8");
  const std::vector<int64_t> &bs = blocks.shape;
  if (bs.size() < 2 || bs.back() != 16)
    return groupError(base, "MXFP4 blocks must have shape [..., G, 16]");
  if (scales.shape != std::vector<int64_t>(bs.begin(), bs.end() - 1))
    return groupError(base,
                      "MXFP4 scales shape does not match blocks [..., G]");
  QuantizedTensorGroup g;
  g.name = base;
  g.format = FormatKind::MXFP4;
  g.blockSize = kMXFP4Block;
  g.mxfp4Layout = MXFP4Layout::HF;
  g.shape.assign(bs.begin(), bs.end() - 1);
  if (__builtin_mul_overflow(g.shape.back(), kMXFP4Block, &g.shape.back()))
    return groupError(base, "MXFP4 shape too large");
  g.planes.push_back({"blocks", file.tensorData(blocks), blocks.name});
  g.planes.push_back({"scales", file.tensorData(scales), scales.name});
  g.members = {blocks.name, scales.name};
  return g;
}

} // namespace

int64_t QuantizedTensorGroup::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // Checked when the group was built.
  return n;
}

Expected<std::vector<QuantizedTensorGroup>>
findQuantizedGroups(const SafetensorsFile &file) {
  std::vector<QuantizedTensorGroup> groups;
  for (const SafetensorsTensorInfo &t : file.tensors()) {
    if (endsWith(t.name, kNF4StateSuffix)) {
      std::string base =
          t.name.substr(0, t.name.size() - kNF4StateSuffix.size());
      Expected<QuantizedTensorGroup> g = NF4GroupBuilder(file, base).build(t);
      if (!g)
        return g.status();
      groups.push_back(g.take());
      continue;
    }
    size_t pos = t.name.rfind(kQuantStatePrefix);
    if (pos != std::string::npos)
      return groupError(t.name.substr(0, pos),
                        "unsupported bitsandbytes quant state '" +
                            t.name.substr(pos + 1) + "'");
    std::string scalesName;
    std::optional<std::string> base = mxfp4Base(t.name, scalesName);
    if (!base)
      continue;
    const SafetensorsTensorInfo *scales = file.findTensor(scalesName);
    if (!scales)
      continue; // A tensor that merely ends in "blocks".
    Expected<QuantizedTensorGroup> g = buildMXFP4Group(file, *base, t, *scales);
    if (!g)
      return g.status();
    groups.push_back(g.take());
  }
  return groups;
}

} // namespace quant4::format
