//===- SafetensorsWriter.cpp - safetensors writer -------------------------===//

#include "Format/SafetensorsWriter.h"

#include "Format/ByteCursor.h"
#include "Format/JSON.h"

#include <algorithm>

namespace quant4::format {

Status SafetensorsWriter::addTensor(std::string name, SafetensorsDType dtype,
                                    std::vector<int64_t> shape, ByteSpan data) {
  if (name == "__metadata__")
    return Status::error("'__metadata__' is not a valid tensor name");
  std::optional<uint64_t> bytes = safetensorsByteSize(dtype, shape);
  if (!bytes || *bytes != data.size)
    return Status::error("tensor '" + name + "': " + std::to_string(data.size) +
                         " bytes do not match its dtype and shape");
  for (const Tensor &t : tensors_)
    if (t.name == name)
      return Status::error("duplicate tensor name '" + name + "'");
  tensors_.push_back({std::move(name), dtype, std::move(shape), data, nullptr});
  return Status::success();
}

Status SafetensorsWriter::addTensor(std::string name, SafetensorsDType dtype,
                                    std::vector<int64_t> shape,
                                    std::vector<uint8_t> data) {
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(data));
  Status s = addTensor(std::move(name), dtype, std::move(shape),
                       ByteSpan{owned->data(), owned->size()});
  if (s)
    tensors_.back().owned = std::move(owned);
  return s;
}

std::vector<const SafetensorsWriter::Tensor *>
SafetensorsWriter::ordered() const {
  std::vector<const Tensor *> order;
  for (const Tensor &t : tensors_)
    order.push_back(&t);
  std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
    if (a->dtype != b->dtype)
      return a->dtype > b->dtype;
    return a->name < b->name;
  });
  return order;
}

std::vector<uint8_t> SafetensorsWriter::serializeHeader() const {
  std::string json = "{";
  if (!metadata_.empty()) {
    json += "\"__metadata__\":{";
    bool first = true;
    for (const auto &[k, v] : metadata_) {
      if (!first)
        json += ',';
      first = false;
      appendJSONString(json, k);
      json += ':';
      appendJSONString(json, v);
    }
    json += '}';
  }
  uint64_t offset = 0;
  for (const Tensor *t : ordered()) {
    if (json.size() > 1)
      json += ',';
    appendJSONString(json, t->name);
    json += ":{\"dtype\":\"";
    json += safetensorsDTypeName(t->dtype);
    json += "\",\"shape\":[";
    for (size_t i = 0; i < t->shape.size(); ++i)
      json += (i ? "," : "") + std::to_string(t->shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(offset) + ",";
    offset += t->data.size;
    json += std::to_string(offset) + "]}";
  }
  json += '}';
  json.append((8 - json.size() % 8) % 8, ' ');
  std::vector<uint8_t> out;
  appendLE<uint64_t>(out, json.size());
  out.insert(out.end(), json.begin(), json.end());
  return out;
}

std::vector<uint8_t> SafetensorsWriter::serialize() const {
  std::vector<uint8_t> out = serializeHeader();
  for (const Tensor *t : ordered())
    out.insert(out.end(), t->data.begin(), t->data.end());
  return out;
}

Status SafetensorsWriter::write(const std::string &path) const {
  FileWriter file(path);
  std::vector<uint8_t> header = serializeHeader();
  file.append({header.data(), header.size()});
  for (const Tensor *t : ordered())
    file.append(t->data);
  return file.close();
}

} // namespace quant4::format
