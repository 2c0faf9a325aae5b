//===- GGUFWriter.cpp - GGUF v3 writer ------------------------------------===//

#include "Format/GGUFWriter.h"

#include "Format/ByteCursor.h"
#include "Format/GGUFFile.h"

namespace quant4::format {

namespace {

void appendString(std::vector<uint8_t> &out, const std::string &s) {
  appendLE<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void appendValue(std::vector<uint8_t> &out, const GGUFValue &v) {
  switch (v.type()) {
  case GGUFValueType::String:
    appendString(out, v.str());
    return;
  case GGUFValueType::Array:
    appendLE<uint32_t>(out, static_cast<uint32_t>(v.elementType()));
    appendLE<uint64_t>(out, v.size());
    if (v.elementType() == GGUFValueType::String) {
      for (const std::string &s : v.strings())
        appendString(out, s);
    } else if (v.elementType() == GGUFValueType::Array) {
      for (const GGUFValue &a : v.arrays())
        appendValue(out, a);
    } else {
      out.insert(out.end(), v.raw().begin(), v.raw().end());
    }
    return;
  default:
    for (size_t b = 0; b < ggufScalarBytes(v.type()); ++b)
      out.push_back(static_cast<uint8_t>(v.bits() >> (8 * b)));
    return;
  }
}

uint64_t padTo(uint64_t n, uint64_t align) {
  return (n + align - 1) / align * align;
}

} // namespace

Status GGUFWriter::setMetadata(std::string key, GGUFValue value) {
  if (key == "general.alignment") {
    uint64_t a = value.bits();
    if (value.type() != GGUFValueType::UInt32 || a == 0 || (a & (a - 1)) ||
        a > kGGUFMaxAlignment)
      return Status::error("general.alignment must be a u32 power of two of "
                           "at most " +
                           std::to_string(kGGUFMaxAlignment));
    alignment_ = static_cast<uint32_t>(a);
  }
  for (auto &[k, v] : metadata_)
    if (k == key) {
      v = std::move(value);
      return Status::success();
    }
  metadata_.emplace_back(std::move(key), std::move(value));
  return Status::success();
}

Status GGUFWriter::addTensor(std::string name, GGMLType type,
                             std::vector<int64_t> ne, ByteSpan data) {
  if (ne.size() > kGGUFMaxDims)
    return Status::error("tensor '" + name + "' has more than 4 dims");
  std::optional<int64_t> bytes = ggmlTensorBytes(type, ne.data(), ne.size());
  if (!bytes)
    return Status::error("tensor '" + name + "': innermost dim " +
                         (ne.empty() ? "1" : std::to_string(ne[0])) +
                         " is not a multiple of the " +
                         std::string(ggmlTypeName(type)) + " block size");
  if (static_cast<uint64_t>(*bytes) != data.size)
    return Status::error("tensor '" + name + "' needs " +
                         std::to_string(*bytes) + " bytes, got " +
                         std::to_string(data.size));
  for (const Tensor &t : tensors_)
    if (t.name == name)
      return Status::error("duplicate tensor name '" + name + "'");
  tensors_.push_back({std::move(name), type, std::move(ne), data, nullptr});
  return Status::success();
}

Status GGUFWriter::addTensor(std::string name, GGMLType type,
                             std::vector<int64_t> ne,
                             std::vector<uint8_t> data) {
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(data));
  Status s = addTensor(std::move(name), type, std::move(ne),
                       ByteSpan{owned->data(), owned->size()});
  if (s)
    tensors_.back().owned = std::move(owned);
  return s;
}

std::vector<uint8_t> GGUFWriter::serializeHeader() const {
  std::vector<uint8_t> out;
  appendLE<uint32_t>(out, kGGUFMagic);
  appendLE<uint32_t>(out, kGGUFVersion);
  appendLE<uint64_t>(out, tensors_.size());
  appendLE<uint64_t>(out, metadata_.size());
  for (const auto &[key, value] : metadata_) {
    appendString(out, key);
    appendLE<uint32_t>(out, static_cast<uint32_t>(value.type()));
    appendValue(out, value);
  }
  uint64_t offset = 0;
  for (const Tensor &t : tensors_) {
    appendString(out, t.name);
    appendLE<uint32_t>(out, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne)
      appendLE<uint64_t>(out, static_cast<uint64_t>(d));
    appendLE<uint32_t>(out, static_cast<uint32_t>(t.type));
    appendLE<uint64_t>(out, offset);
    offset += padTo(t.data.size, alignment_);
  }
  out.resize(padTo(out.size(), alignment_), 0);
  return out;
}

std::vector<uint8_t> GGUFWriter::serialize() const {
  std::vector<uint8_t> out = serializeHeader();
  for (const Tensor &t : tensors_) {
    out.insert(out.end(), t.data.begin(), t.data.end());
    out.resize(padTo(out.size(), alignment_), 0);
  }
  return out;
}

Status GGUFWriter::write(const std::string &path) const {
  FileWriter file(path);
  std::vector<uint8_t> header = serializeHeader();
  file.append({header.data(), header.size()});
  const std::vector<uint8_t> zeros(alignment_, 0);
  for (const Tensor &t : tensors_) {
    file.append(t.data);
    size_t pad = padTo(t.data.size, alignment_) - t.data.size;
    file.append({zeros.data(), pad});
  }
  return file.close();
}

} // namespace quant4::format
