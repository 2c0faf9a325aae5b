//===- SafetensorsFile.cpp - safetensors reader ---------------------------===//

#include "Format/SafetensorsFile.h"

#include "Format/ByteCursor.h"
#include "Format/JSON.h"

#include <algorithm>

namespace quant4::format {

namespace {

struct DTypeInfo {
  SafetensorsDType dtype;
  std::string_view name;
  unsigned bits;
};

constexpr DTypeInfo kDTypes[] = {
    {SafetensorsDType::BOOL, "BOOL", 8},
    {SafetensorsDType::F4, "F4", 4},
    {SafetensorsDType::F6_E2M3, "F6_E2M3", 6},
    {SafetensorsDType::F6_E3M2, "F6_E3M2", 6},
    {SafetensorsDType::U8, "U8", 8},
    {SafetensorsDType::I8, "I8", 8},
    {SafetensorsDType::F8_E5M2, "F8_E5M2", 8},
    {SafetensorsDType::F8_E4M3, "F8_E4M3", 8},
    {SafetensorsDType::F8_E8M0, "F8_E8M0", 8},
    {SafetensorsDType::I16, "I16", 16},
    {SafetensorsDType::U16, "U16", 16},
    {SafetensorsDType::F16, "F16", 16},
    {SafetensorsDType::BF16, "BF16", 16},
    {SafetensorsDType::I32, "I32", 32},
    {SafetensorsDType::U32, "U32", 32},
    {SafetensorsDType::F32, "F32", 32},
    {SafetensorsDType::C64, "C64", 64},
    {SafetensorsDType::F64, "F64", 64},
    {SafetensorsDType::I64, "I64", 64},
    {SafetensorsDType::U64, "U64", 64},
};

const DTypeInfo &info(SafetensorsDType dtype) {
  return kDTypes[static_cast<size_t>(dtype)];
}

} // namespace

std::string_view safetensorsDTypeName(SafetensorsDType dtype) {
  return info(dtype).name;
}

std::optional<SafetensorsDType>
safetensorsDTypeFromName(std::string_view name) {
  for (const DTypeInfo &d : kDTypes)
    if (d.name == name)
      return d.dtype;
  return std::nullopt;
}

unsigned safetensorsDTypeBits(SafetensorsDType dtype) {
  return info(dtype).bits;
}

std::optional<uint64_t> safetensorsByteSize(SafetensorsDType dtype,
                                            const std::vector<int64_t> &shape) {
  uint64_t bits = safetensorsDTypeBits(dtype);
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(bits, static_cast<uint64_t>(d), &bits))
      return std::nullopt;
  if (bits % 8 != 0)
    return std::nullopt;
  return bits / 8;
}

int64_t SafetensorsTensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // Bounded by the byte size check of the parser.
  return n;
}

class SafetensorsParser {
public:
  explicit SafetensorsParser(SafetensorsFile &file) : file_(file) {}

  Status run() {
    ByteCursor in(file_.buffer_->bytes());
    std::optional<uint64_t> n = in.readLE<uint64_t>();
    if (!n)
      return Status::error("safetensors: file too small for the header length");
    if (*n > kSafetensorsMaxHeaderBytes)
      return Status::error("safetensors: header length " + std::to_string(*n) +
                           " exceeds the 100 MB limit");
    std::optional<std::string_view> header = in.readString(*n);
    if (!header)
      return Status::error("safetensors: header length " + std::to_string(*n) +
                           " exceeds the file (" +
                           std::to_string(in.remaining()) + " bytes left)");
    if (header->empty() || (*header)[0] != '{')
      return Status::error("safetensors: header does not start with '{'");
    file_.headerBytes_ = *n;
    Expected<JSONValue> json = parseJSON(*header);
    if (!json)
      return Status::error("safetensors: bad header: " + json.message());
    if (!json->isObject())
      return Status::error("safetensors: header is not a JSON object");
    for (const auto &[key, value] : json->members()) {
      Status s = key == "__metadata__" ? parseMetadata(value)
                                       : parseTensor(key, value);
      if (!s)
        return s;
    }
    return checkOffsets(in.remaining());
  }

private:
  SafetensorsFile &file_;

  Status parseMetadata(const JSONValue &value) {
    if (!value.isObject())
      return Status::error("safetensors: __metadata__ is not an object");
    for (const auto &[k, v] : value.members()) {
      if (!v.isString())
        return Status::error("safetensors: __metadata__ value of '" + k +
                             "' is not a string");
      file_.metadata_.emplace_back(k, v.text());
    }
    return Status::success();
  }

  static Status readUIntArray(const JSONValue *array, const std::string &what,
                              std::vector<uint64_t> &out) {
    if (!array || !array->isArray())
      return Status::error("safetensors: " + what +
                           " is missing or not an array");
    for (const JSONValue &item : array->items()) {
      std::optional<uint64_t> v = item.asUInt64();
      if (!v)
        return Status::error(
            "safetensors: " + what +
            " holds a value that is not a non-negative integer");
      out.push_back(*v);
    }
    return Status::success();
  }

  Status parseTensor(const std::string &name, const JSONValue &value) {
    std::string what = "tensor '" + name + "'";
    if (!value.isObject())
      return Status::error("safetensors: " + what + " is not an object");
    const JSONValue *dtype = value.find("dtype");
    if (!dtype || !dtype->isString())
      return Status::error("safetensors: " + what + " has no dtype string");
    SafetensorsTensorInfo t;
    t.name = name;
    std::optional<SafetensorsDType> d = safetensorsDTypeFromName(dtype->text());
    if (!d)
      return Status::error("safetensors: " + what + " has unknown dtype '" +
                           dtype->text() + "'");
    t.dtype = *d;
    std::vector<uint64_t> shape, offsets;
    if (Status s = readUIntArray(value.find("shape"), what + " shape", shape);
        !s)
      return s;
    if (Status s = readUIntArray(value.find("data_offsets"),
                                 what + " data_offsets", offsets);
        !s)
      return s;
    for (uint64_t dim : shape) {
      if (dim > static_cast<uint64_t>(INT64_MAX))
        return Status::error("safetensors: " + what + " has a dim too large");
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    if (offsets.size() != 2)
      return Status::error("safetensors: " + what +
                           " data_offsets must hold 2 values");
    t.begin = offsets[0];
    t.end = offsets[1];
    if (t.end < t.begin)
      return Status::error("safetensors: " + what + " ends before it begins");
    std::optional<uint64_t> bytes = safetensorsByteSize(t.dtype, t.shape);
    if (!bytes)
      return Status::error("safetensors: " + what +
                           " size overflows or is not whole bytes");
    if (*bytes != t.end - t.begin)
      return Status::error(
          "safetensors: " + what + " needs " + std::to_string(*bytes) +
          " bytes but data_offsets span " + std::to_string(t.end - t.begin));
    file_.tensors_.push_back(std::move(t));
    return Status::success();
  }

  Status checkOffsets(uint64_t dataBytes) {
    std::vector<const SafetensorsTensorInfo *> order;
    for (const SafetensorsTensorInfo &t : file_.tensors_)
      order.push_back(&t);
    std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
      return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    uint64_t expected = 0;
    for (const SafetensorsTensorInfo *t : order) {
      if (t->begin != expected)
        return Status::error("safetensors: tensor '" + t->name +
                             "' begins at " + std::to_string(t->begin) +
                             ", expected " + std::to_string(expected) +
                             " (gap or overlap)");
      expected = t->end;
    }
    if (expected != dataBytes)
      return Status::error(
          "safetensors: tensors cover " + std::to_string(expected) +
          " data bytes but the file has " + std::to_string(dataBytes));
    auto &byName = file_.byName_;
    for (size_t i = 0; i < file_.tensors_.size(); ++i)
      byName.push_back(i);
    std::sort(byName.begin(), byName.end(), [&](size_t a, size_t b) {
      return file_.tensors_[a].name < file_.tensors_[b].name;
    });
    return Status::success();
  }
};

Expected<SafetensorsFile> SafetensorsFile::open(const std::string &path) {
  Expected<std::shared_ptr<const ByteBuffer>> buffer =
      ByteBuffer::mapFile(path);
  if (!buffer)
    return buffer.status();
  Expected<SafetensorsFile> file = parse(buffer.take());
  if (!file)
    return Status::error(path + ": " + file.message());
  return file;
}

Expected<SafetensorsFile>
SafetensorsFile::parse(std::shared_ptr<const ByteBuffer> buffer) {
  SafetensorsFile file;
  file.buffer_ = std::move(buffer);
  if (Status s = SafetensorsParser(file).run(); !s)
    return s;
  return file;
}

const std::string *SafetensorsFile::findMetadata(std::string_view key) const {
  for (const auto &[k, v] : metadata_)
    if (k == key)
      return &v;
  return nullptr;
}

const SafetensorsTensorInfo *
SafetensorsFile::findTensor(std::string_view name) const {
  auto it = std::lower_bound(
      byName_.begin(), byName_.end(), name,
      [&](size_t i, std::string_view n) { return tensors_[i].name < n; });
  if (it == byName_.end() || tensors_[*it].name != name)
    return nullptr;
  return &tensors_[*it];
}

ByteSpan
SafetensorsFile::tensorData(const SafetensorsTensorInfo &tensor) const {
  return {buffer_->data() + 8 + headerBytes_ + tensor.begin,
          static_cast<size_t>(tensor.end - tensor.begin)};
}

} // namespace quant4::format
