//===- GGUFFile.cpp - GGUF v3 reader --------------------------------------===//

#include "Format/GGUFFile.h"

#include "Format/ByteCursor.h"

#include <algorithm>
#include <unordered_set>

namespace quant4::format {

namespace {

/// Fewest bytes an element of `type` takes in a file (for count checks).
uint64_t minEncodedBytes(GGUFValueType type) {
  switch (type) {
  case GGUFValueType::String:
    return 8; // u64 length
  case GGUFValueType::Array:
    return 12; // u32 type + u64 count
  default:
    return ggufScalarBytes(type);
  }
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

} // namespace

/// Parses one buffer into a GGUFFile; every failure is a Status.
class GGUFParser {
public:
  explicit GGUFParser(GGUFFile &file)
      : file_(file), in_(file.buffer_->bytes()) {}

  Status run() {
    if (Status s = parseHeader(); !s)
      return s;
    for (uint64_t i = 0; i < numKV_; ++i)
      if (Status s = parseKV(i); !s)
        return s;
    if (Status s = readAlignment(); !s)
      return s;
    for (uint64_t i = 0; i < numTensors_; ++i)
      if (Status s = parseTensorInfo(i); !s)
        return s;
    return checkDataSection();
  }

private:
  GGUFFile &file_;
  ByteCursor in_;
  uint64_t numTensors_ = 0;
  uint64_t numKV_ = 0;
  std::unordered_set<std::string> keys_;
  std::unordered_set<std::string> names_;

  Status truncated(const std::string &what) const {
    return Status::error("GGUF: file truncated while reading " + what +
                         " at byte " + std::to_string(in_.offset()));
  }

  Status parseHeader() {
    std::optional<uint32_t> magic = in_.readLE<uint32_t>();
    if (!magic)
      return Status::error("GGUF: file too small for the magic (" +
                           std::to_string(in_.remaining()) + " bytes)");
    if (*magic != kGGUFMagic)
      return Status::error("GGUF: bad magic (not a GGUF file)");
    std::optional<uint32_t> version = in_.readLE<uint32_t>();
    if (!version)
      return truncated("the version");
    if (*version == 1)
      return Status::error("GGUF: version 1 files are not supported");
    if ((*version & 0xFFFF) == 0 && (*version >> 16) != 0)
      return Status::error("GGUF: big-endian files are not supported");
    if (*version != 2 && *version != 3)
      return Status::error("GGUF: unsupported version " +
                           std::to_string(*version));
    file_.version_ = *version;
    std::optional<uint64_t> numTensors = in_.readLE<uint64_t>();
    std::optional<uint64_t> numKV = in_.readLE<uint64_t>();
    if (!numTensors || !numKV)
      return truncated("the header counts");
    // Each tensor info takes at least 24 bytes and each key/value 13: a count
    // that cannot fit in the rest of the file is rejected before any
    // allocation depends on it.
    if (*numTensors > in_.remaining() / 24)
      return Status::error("GGUF: tensor count " + std::to_string(*numTensors) +
                           " is larger than the file can hold");
    if (*numKV > in_.remaining() / 13)
      return Status::error("GGUF: metadata count " + std::to_string(*numKV) +
                           " is larger than the file can hold");
    numTensors_ = *numTensors;
    numKV_ = *numKV;
    return Status::success();
  }

  Status readString(std::string &out, const std::string &what) {
    std::optional<uint64_t> length = in_.readLE<uint64_t>();
    if (!length)
      return truncated(what + " length");
    if (*length > in_.remaining())
      return Status::error("GGUF: " + what + " length " +
                           std::to_string(*length) + " exceeds the file (" +
                           std::to_string(in_.remaining()) + " bytes left)");
    std::optional<std::string_view> s = in_.readString(*length);
    out.assign(s->data(), s->size());
    return Status::success();
  }

  Status readValueType(GGUFValueType &out, const std::string &what) {
    std::optional<uint32_t> id = in_.readLE<uint32_t>();
    if (!id)
      return truncated(what + " type");
    if (!isGGUFValueType(*id))
      return Status::error("GGUF: unknown value type " + std::to_string(*id) +
                           " for " + what);
    out = static_cast<GGUFValueType>(*id);
    return Status::success();
  }

  Status parseValue(GGUFValueType type, GGUFValue &out, const std::string &key,
                    unsigned depth) {
    if (type == GGUFValueType::String) {
      std::string s;
      if (Status st = readString(s, "string value of '" + key + "'"); !st)
        return st;
      out = GGUFValue::string(std::move(s));
      return Status::success();
    }
    if (type != GGUFValueType::Array) {
      size_t width = ggufScalarBytes(type);
      std::optional<ByteSpan> bytes = in_.readBytes(width);
      if (!bytes)
        return truncated("value of '" + key + "'");
      uint64_t bits = 0;
      for (size_t b = 0; b < width; ++b)
        bits |= static_cast<uint64_t>(bytes->data[b]) << (8 * b);
      if (type == GGUFValueType::Bool && bits > 1)
        return Status::error("GGUF: bool value " + std::to_string(bits) +
                             " of '" + key + "' is neither 0 nor 1");
      out = GGUFValue::scalar(type, bits);
      return Status::success();
    }
    if (depth >= kGGUFMaxArrayDepth)
      return Status::error("GGUF: arrays nested deeper than " +
                           std::to_string(kGGUFMaxArrayDepth) + " in '" + key +
                           "'");
    GGUFValueType elementType;
    if (Status s = readValueType(elementType, "array element of '" + key + "'");
        !s)
      return s;
    std::optional<uint64_t> count = in_.readLE<uint64_t>();
    if (!count)
      return truncated("array length of '" + key + "'");
    if (*count > in_.remaining() / minEncodedBytes(elementType))
      return Status::error("GGUF: array length " + std::to_string(*count) +
                           " of '" + key + "' exceeds the file");
    if (elementType == GGUFValueType::String) {
      std::vector<std::string> strings(*count);
      for (std::string &s : strings)
        if (Status st = readString(s, "array string of '" + key + "'"); !st)
          return st;
      out = GGUFValue::stringArray(std::move(strings));
      return Status::success();
    }
    if (elementType == GGUFValueType::Array) {
      std::vector<GGUFValue> arrays(*count);
      for (GGUFValue &a : arrays) {
        if (Status s = parseValue(GGUFValueType::Array, a, key, depth + 1); !s)
          return s;
      }
      out = GGUFValue::arrayArray(std::move(arrays));
      return Status::success();
    }
    std::optional<ByteSpan> raw =
        in_.readBytes(*count * ggufScalarBytes(elementType));
    if (!raw)
      return truncated("array of '" + key + "'");
    if (elementType == GGUFValueType::Bool)
      for (uint8_t b : *raw)
        if (b > 1)
          return Status::error("GGUF: bool array element of '" + key +
                               "' is neither 0 nor 1");
    out = GGUFValue::scalarArray(
        elementType, std::vector<uint8_t>(raw->begin(), raw->end()));
    return Status::success();
  }

  Status parseKV(uint64_t index) {
    std::string key;
    if (Status s = readString(key, "key #" + std::to_string(index)); !s)
      return s;
    if (!keys_.insert(key).second)
      return Status::error("GGUF: duplicate metadata key '" + key + "'");
    GGUFValueType type;
    if (Status s = readValueType(type, "'" + key + "'"); !s)
      return s;
    GGUFValue value;
    if (Status s = parseValue(type, value, key, 0); !s)
      return s;
    file_.metadata_.emplace_back(std::move(key), std::move(value));
    return Status::success();
  }

  Status readAlignment() {
    const GGUFValue *v = file_.findMetadata("general.alignment");
    if (!v)
      return Status::success();
    if (v->type() != GGUFValueType::UInt32)
      return Status::error("GGUF: general.alignment must be a u32, not " +
                           std::string(ggufValueTypeName(v->type())));
    if (!isPowerOfTwo(v->bits()))
      return Status::error("GGUF: general.alignment " +
                           std::to_string(v->bits()) +
                           " is not a power of two");
    if (v->bits() > kGGUFMaxAlignment)
      return Status::error("GGUF: general.alignment " +
                           std::to_string(v->bits()) +
                           " exceeds the supported maximum " +
                           std::to_string(kGGUFMaxAlignment));
    file_.alignment_ = static_cast<uint32_t>(v->bits());
    return Status::success();
  }

  Status parseTensorInfo(uint64_t index) {
    GGUFTensorInfo t;
    if (Status s = readString(t.name, "tensor name #" + std::to_string(index));
        !s)
      return s;
    std::string what = "tensor '" + t.name + "'";
    std::optional<uint32_t> numDims = in_.readLE<uint32_t>();
    if (!numDims)
      return truncated(what + " dims");
    if (*numDims > kGGUFMaxDims)
      return Status::error("GGUF: " + what + " has " +
                           std::to_string(*numDims) + " dims (at most " +
                           std::to_string(kGGUFMaxDims) + ")");
    for (uint32_t d = 0; d < *numDims; ++d) {
      std::optional<uint64_t> dim = in_.readLE<uint64_t>();
      if (!dim)
        return truncated(what + " dims");
      if (*dim > static_cast<uint64_t>(INT64_MAX))
        return Status::error("GGUF: " + what + " dim " + std::to_string(d) +
                             " is too large");
      t.ne.push_back(static_cast<int64_t>(*dim));
    }
    std::optional<uint32_t> typeId = in_.readLE<uint32_t>();
    std::optional<uint64_t> offset = in_.readLE<uint64_t>();
    if (!typeId || !offset)
      return truncated(what + " type and offset");
    std::optional<GGMLTypeTraits> traits = ggmlTypeTraits(*typeId);
    if (!traits)
      return Status::error("GGUF: " + what + " has unknown ggml type id " +
                           std::to_string(*typeId));
    t.type = traits->type;
    t.offset = *offset;
    std::optional<int64_t> bytes =
        ggmlTensorBytes(t.type, t.ne.data(), t.ne.size());
    if (!bytes)
      return Status::error(
          "GGUF: " + what + " of type " + std::string(traits->name) +
          ": innermost dim is not a multiple of the block size " +
          std::to_string(traits->blockSize) + ", or the size overflows");
    t.bytes = static_cast<uint64_t>(*bytes);
    if (!names_.insert(t.name).second)
      return Status::error("GGUF: duplicate tensor name '" + t.name + "'");
    file_.tensors_.push_back(std::move(t));
    return Status::success();
  }

  Status checkDataSection() {
    uint64_t align = file_.alignment_;
    uint64_t end = in_.offset();
    uint64_t dataOffset = (end + align - 1) / align * align; // no overflow:
    file_.dataOffset_ = dataOffset; // end <= file size, align <= 2^31.
    uint64_t fileSize = file_.buffer_->size();
    if (file_.tensors_.empty())
      return Status::success();
    if (dataOffset > fileSize)
      return Status::error("GGUF: file truncated before the data section");
    uint64_t available = fileSize - dataOffset;
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const GGUFTensorInfo &t : file_.tensors_) {
      if (t.offset % align != 0)
        return Status::error(
            "GGUF: tensor '" + t.name + "' offset " + std::to_string(t.offset) +
            " is not a multiple of the alignment " + std::to_string(align));
      if (t.offset > available || t.bytes > available - t.offset)
        return Status::error("GGUF: tensor '" + t.name + "' data [" +
                             std::to_string(t.offset) + ", +" +
                             std::to_string(t.bytes) +
                             ") extends past the end of the file");
      ranges.emplace_back(t.offset, t.offset + t.bytes);
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
      if (ranges[i].first < ranges[i - 1].second)
        return Status::error("GGUF: tensor data ranges overlap at offset " +
                             std::to_string(ranges[i].first));
    return Status::success();
  }
};

int64_t GGUFTensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : ne)
    n *= d; // Checked by the parser (ggmlTensorBytes).
  return n;
}

std::vector<int64_t> GGUFTensorInfo::rowMajorShape() const {
  return std::vector<int64_t>(ne.rbegin(), ne.rend());
}

Expected<GGUFFile> GGUFFile::open(const std::string &path) {
  Expected<std::shared_ptr<const ByteBuffer>> buffer =
      ByteBuffer::mapFile(path);
  if (!buffer)
    return buffer.status();
  Expected<GGUFFile> file = parse(buffer.take());
  if (!file)
    return Status::error(path + ": " + file.message());
  return file;
}

Expected<GGUFFile> GGUFFile::parse(std::shared_ptr<const ByteBuffer> buffer) {
  GGUFFile file;
  file.buffer_ = std::move(buffer);
  if (Status s = GGUFParser(file).run(); !s)
    return s;
  return file;
}

const GGUFValue *GGUFFile::findMetadata(std::string_view key) const {
  for (const auto &[k, v] : metadata_)
    if (k == key)
      return &v;
  return nullptr;
}

const GGUFTensorInfo *GGUFFile::findTensor(std::string_view name) const {
  for (const GGUFTensorInfo &t : tensors_)
    if (t.name == name)
      return &t;
  return nullptr;
}

ByteSpan GGUFFile::tensorData(const GGUFTensorInfo &tensor) const {
  return {buffer_->data() + dataOffset_ + tensor.offset,
          static_cast<size_t>(tensor.bytes)};
}

} // namespace quant4::format
