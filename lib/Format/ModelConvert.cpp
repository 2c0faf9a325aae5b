//===- ModelConvert.cpp - Re-quantize or re-container a model file --------===//

#include "Format/ModelConvert.h"

#include "Format/DynamicMap.h"
#include "Format/Float16.h"
#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"
#include "Format/MXFP4.h"
#include "Format/ModelInspect.h"
#include "Format/NF4.h"
#include "Format/SafetensorsFile.h"
#include "Format/SafetensorsWriter.h"

#include <cstdio>
#include <cstring>
#include <variant>

namespace quant4::format {

namespace {

/// Element types both containers can hold, with their names in each.
struct TypePair {
  GGMLType ggml;
  SafetensorsDType dtype;
};
constexpr TypePair kTypePairs[] = {
    {GGMLType::F32, SafetensorsDType::F32},
    {GGMLType::F16, SafetensorsDType::F16},
    {GGMLType::BF16, SafetensorsDType::BF16},
    {GGMLType::F64, SafetensorsDType::F64},
    {GGMLType::I8, SafetensorsDType::I8},
    {GGMLType::I16, SafetensorsDType::I16},
    {GGMLType::I32, SafetensorsDType::I32},
    {GGMLType::I64, SafetensorsDType::I64},
};

/// One input tensor, container-neutral.
struct SourceTensor {
  std::string name;
  std::vector<int64_t> shape; // row-major
  std::optional<GGMLType> ggml;
  std::optional<SafetensorsDType> dtype;
  ByteSpan bytes;

  std::optional<GGMLType> asGGML() const {
    if (ggml)
      return ggml;
    for (const TypePair &p : kTypePairs)
      if (p.dtype == *dtype)
        return p.ggml;
    return std::nullopt;
  }
  std::optional<SafetensorsDType> asDType() const {
    if (dtype)
      return dtype;
    for (const TypePair &p : kTypePairs)
      if (p.ggml == *ggml)
        return p.dtype;
    return std::nullopt;
  }
  std::string typeName() const {
    return ggml ? std::string(ggmlTypeName(*ggml))
                : std::string(safetensorsDTypeName(*dtype));
  }
  /// F32 / F16 / BF16 (either container).
  bool isFloat() const {
    std::optional<SafetensorsDType> d = asDType();
    return d && (*d == SafetensorsDType::F32 || *d == SafetensorsDType::F16 ||
                 *d == SafetensorsDType::BF16);
  }
};

/// The opened input: its tensors, string metadata and (for GGUF) all of it.
struct Source {
  std::variant<GGUFFile, SafetensorsFile> file;
  std::vector<SourceTensor> tensors;
  std::vector<std::pair<std::string, std::string>> stringMetadata;
};

Expected<Source> openSource(const std::string &path) {
  Expected<std::shared_ptr<const ByteBuffer>> buffer =
      ByteBuffer::mapFile(path);
  if (!buffer)
    return buffer.status();
  std::shared_ptr<const ByteBuffer> bytes = buffer.take();
  ModelFileKind kind = detectModelFileKind(bytes->bytes());
  if (kind == ModelFileKind::GGUF) {
    Expected<GGUFFile> gguf = GGUFFile::parse(bytes);
    if (!gguf)
      return Status::error(path + ": " + gguf.message());
    Source src{gguf.take(), {}, {}};
    const GGUFFile &f = std::get<GGUFFile>(src.file);
    for (const GGUFTensorInfo &t : f.tensors())
      src.tensors.push_back(
          {t.name, t.rowMajorShape(), t.type, std::nullopt, f.tensorData(t)});
    for (const auto &[k, v] : f.metadata())
      if (v.type() == GGUFValueType::String)
        src.stringMetadata.emplace_back(k, v.str());
    return src;
  }
  if (kind == ModelFileKind::Safetensors) {
    Expected<SafetensorsFile> st = SafetensorsFile::parse(bytes);
    if (!st)
      return Status::error(path + ": " + st.message());
    Source src{st.take(), {}, {}};
    const SafetensorsFile &f = std::get<SafetensorsFile>(src.file);
    for (const SafetensorsTensorInfo &t : f.tensors())
      src.tensors.push_back(
          {t.name, t.shape, std::nullopt, t.dtype, f.tensorData(t)});
    src.stringMetadata = f.metadata();
    return src;
  }
  return Status::error(path + ": not a GGUF or safetensors file");
}

/// The float32 values of a float tensor.
std::vector<float> toFloat(const SourceTensor &t) {
  SafetensorsDType d = *t.asDType();
  size_t n = t.bytes.size / (d == SafetensorsDType::F32 ? 4 : 2);
  std::vector<float> out(n);
  if (d == SafetensorsDType::F32) {
    std::memcpy(out.data(), t.bytes.data, n * 4);
    return out;
  }
  std::vector<uint16_t> half(n);
  std::memcpy(half.data(), t.bytes.data, n * 2);
  if (d == SafetensorsDType::F16)
    fp16ToFloat(half.data(), static_cast<int64_t>(n), out.data());
  else
    bf16ToFloat(half.data(), static_cast<int64_t>(n), out.data());
  return out;
}

std::vector<uint8_t> bytesOf(const void *data, size_t size) {
  const uint8_t *p = static_cast<const uint8_t *>(data);
  return std::vector<uint8_t>(p, p + size);
}

std::string torchDTypeName(SafetensorsDType d) {
  return d == SafetensorsDType::F32   ? "float32"
         : d == SafetensorsDType::F16 ? "float16"
                                      : "bfloat16";
}

/// Writes tensors to one container; the planning (which tensor becomes what)
/// is shared, the storage differs.
class Sink {
public:
  virtual ~Sink() = default;
  virtual Status copy(const SourceTensor &t) = 0;
  virtual Status quantized(const SourceTensor &t, const FormatSpec &spec,
                           std::vector<uint8_t> storage) = 0;
  virtual void metadata(const Source &src) = 0;
  virtual Status write(const std::string &path) = 0;
};

class GGUFSink final : public Sink {
public:
  Status copy(const SourceTensor &t) override {
    std::optional<GGMLType> type = t.asGGML();
    if (!type)
      return Status::error("tensor '" + t.name + "' of dtype " + t.typeName() +
                           " has no GGUF type");
    return writer_.addTensor(t.name, *type, ne(t.shape), t.bytes);
  }
  Status quantized(const SourceTensor &t, const FormatSpec &spec,
                   std::vector<uint8_t> storage) override {
    GGMLType type =
        spec.kind == FormatKind::Q4_K ? GGMLType::Q4_K : GGMLType::MXFP4;
    return writer_.addTensor(t.name, type, ne(t.shape), std::move(storage));
  }
  void metadata(const Source &src) override {
    if (const GGUFFile *f = std::get_if<GGUFFile>(&src.file)) {
      for (const auto &[k, v] : f->metadata())
        (void)writer_.setMetadata(k, v); // Validated by the reader.
      return;
    }
    for (const auto &[k, v] : src.stringMetadata)
      (void)writer_.setMetadata(k, GGUFValue::string(v));
  }
  Status write(const std::string &path) override { return writer_.write(path); }

private:
  static std::vector<int64_t> ne(const std::vector<int64_t> &shape) {
    return std::vector<int64_t>(shape.rbegin(), shape.rend());
  }
  GGUFWriter writer_;
};

class SafetensorsSink final : public Sink {
public:
  Status copy(const SourceTensor &t) override {
    if (t.ggml == GGMLType::MXFP4)
      return copyMXFP4(t);
    std::optional<SafetensorsDType> d = t.asDType();
    if (!d)
      return Status::error("tensor '" + t.name + "' of type " + t.typeName() +
                           " has no safetensors dtype");
    return writer_.addTensor(t.name, *d, t.shape, t.bytes);
  }
  Status quantized(const SourceTensor &t, const FormatSpec &spec,
                   std::vector<uint8_t> storage) override {
    BlockLayout layout = layoutOf(spec);
    int64_t n = 1;
    for (int64_t d : t.shape)
      n *= d;
    int64_t blocks = *layout.numBlocks(n);
    auto plane = [&](size_t p) {
      int64_t offset = *layout.planeOffset(p, blocks);
      return bytesOf(storage.data() + offset,
                     static_cast<size_t>(*layout.planeBytes(p, blocks)));
    };
    if (spec.kind == FormatKind::MXFP4) {
      int64_t rows = t.shape[0], groups = t.shape[1] / kMXFP4Block;
      if (Status s = writer_.addTensor(t.name + ".blocks", SafetensorsDType::U8,
                                       {rows, groups, 16}, plane(0));
          !s)
        return s;
      return writer_.addTensor(t.name + ".scales", SafetensorsDType::U8,
                               {rows, groups}, plane(1));
    }
    return addNF4(t, spec, blocks, plane);
  }
  void metadata(const Source &src) override {
    for (const auto &[k, v] : src.stringMetadata)
      writer_.setMetadata(k, v);
  }
  Status write(const std::string &path) override { return writer_.write(path); }

private:
  /// ggml's MXFP4 blocks have no safetensors dtype: a 2-D tensor becomes
  /// gpt-oss NAME.blocks / NAME.scales holding the same codes and scales
  /// (repackMXFP4; lossless).
  Status copyMXFP4(const SourceTensor &t) {
    if (t.shape.size() != 2 || t.shape[1] % kMXFP4Block != 0)
      return Status::error("tensor '" + t.name +
                           "': MXFP4 in safetensors needs 2-D rows of whole "
                           "blocks");
    int64_t n = t.shape[0] * t.shape[1], blocks = n / kMXFP4Block;
    if (static_cast<int64_t>(t.bytes.size) != blocks * 17)
      return Status::error(
          "tensor '" + t.name + "': " + std::to_string(t.bytes.size) +
          " bytes, MXFP4 needs " + std::to_string(blocks * 17));
    FormatSpec spec = FormatSpec::mxfp4(MXFP4Layout::HF);
    std::vector<uint8_t> storage(static_cast<size_t>(blocks * 17));
    repackMXFP4(t.bytes.data, nullptr, n, MXFP4Layout::GGML, storage.data(),
                storage.data() + blocks * 16, MXFP4Layout::HF);
    return quantized(t, spec, std::move(storage));
  }

  template <typename PlaneFn>
  Status addNF4(const SourceTensor &t, const FormatSpec &spec, int64_t blocks,
                PlaneFn plane) {
    std::vector<uint8_t> codes = plane(0);
    int64_t codeBytes = static_cast<int64_t>(codes.size());
    Status s = writer_.addTensor(t.name, SafetensorsDType::U8, {codeBytes, 1},
                                 std::move(codes));
    const std::array<float, 16> &codebook = nf4Codebook();
    if (s)
      s = writer_.addTensor(t.name + ".quant_map", SafetensorsDType::F32, {16},
                            bytesOf(codebook.data(), 64));
    char shape[64];
    std::snprintf(shape, sizeof(shape), "[%lld, %lld]",
                  static_cast<long long>(t.shape[0]),
                  static_cast<long long>(t.shape[1]));
    std::string state = "{\"quant_type\": \"nf4\", \"blocksize\": " +
                        std::to_string(spec.nf4BlockSize) + ", \"dtype\": \"" +
                        torchDTypeName(*t.asDType()) +
                        "\", \"shape\": " + shape;
    if (!spec.nf4DoubleQuant) {
      if (s)
        s = writer_.addTensor(t.name + ".absmax", SafetensorsDType::F32,
                              {blocks}, plane(1));
    } else {
      std::vector<uint8_t> absmax2 = plane(2), offset = plane(3);
      int64_t nested = static_cast<int64_t>(absmax2.size() / 4);
      if (s)
        s = writer_.addTensor(t.name + ".absmax", SafetensorsDType::U8,
                              {blocks}, plane(1));
      if (s)
        s = writer_.addTensor(t.name + ".nested_absmax", SafetensorsDType::F32,
                              {nested}, std::move(absmax2));
      const DynamicMap &map = signedDynamicMap();
      if (s)
        s = writer_.addTensor(t.name + ".nested_quant_map",
                              SafetensorsDType::F32, {256},
                              bytesOf(map.data(), 1024));
      float offsetValue;
      std::memcpy(&offsetValue, offset.data(), 4);
      char text[32];
      std::snprintf(text, sizeof(text), "%.9g", offsetValue);
      state += ", \"nested_blocksize\": 256, \"nested_dtype\": \"float32\", "
               "\"nested_offset\": " +
               std::string(text);
    }
    state += "}";
    if (s)
      s = writer_.addTensor(t.name + ".quant_state.bitsandbytes__nf4",
                            SafetensorsDType::U8,
                            {static_cast<int64_t>(state.size())},
                            bytesOf(state.data(), state.size()));
    return s;
  }

  SafetensorsWriter writer_;
};

/// True when `t` is quantized to `spec`: a 2-D float tensor whose rows are a
/// whole number of blocks.
bool wantsQuantization(const SourceTensor &t, const FormatSpec &spec) {
  if (!t.isFloat() || t.shape.size() != 2)
    return false;
  int64_t block = layoutOf(spec).blockSize;
  return t.shape[1] > 0 && t.shape[0] > 0 && t.shape[1] % block == 0;
}

/// Fixes the parts of `spec` the output container decides; errors for
/// formats the container cannot hold.
Status adaptSpec(FormatSpec &spec, ModelContainer container) {
  if (Status s = validate(spec); !s)
    return s;
  if (container == ModelContainer::GGUF) {
    if (spec.kind == FormatKind::NF4)
      return Status::error("nf4 cannot be stored in GGUF (ggml has no NF4 "
                           "type); write a .safetensors file");
    if (spec.kind != FormatKind::Q4_K && spec.kind != FormatKind::MXFP4)
      return Status::error("convert supports q4_k, nf4 and mxfp4");
    spec.mxfp4Layout = MXFP4Layout::GGML;
    return Status::success();
  }
  if (spec.kind == FormatKind::Q4_K)
    return Status::error("q4_k has no standard safetensors form; write a "
                         ".gguf file");
  if (spec.kind != FormatKind::NF4 && spec.kind != FormatKind::MXFP4)
    return Status::error("convert supports q4_k, nf4 and mxfp4");
  spec.mxfp4Layout = MXFP4Layout::HF;
  return Status::success();
}

} // namespace

std::optional<ModelContainer> containerFromPath(std::string_view path) {
  auto endsWith = [&](std::string_view suffix) {
    return path.size() > suffix.size() &&
           path.substr(path.size() - suffix.size()) == suffix;
  };
  if (endsWith(".gguf"))
    return ModelContainer::GGUF;
  if (endsWith(".safetensors"))
    return ModelContainer::Safetensors;
  return std::nullopt;
}

Expected<ConvertReport> convertModel(const std::string &input,
                                     const std::string &output,
                                     const ConvertOptions &options) {
  std::optional<ModelContainer> container = containerFromPath(output);
  if (!container)
    return Status::error("output '" + output +
                         "' must end in .gguf or .safetensors");
  std::optional<FormatSpec> spec = options.format;
  if (spec)
    if (Status s = adaptSpec(*spec, *container); !s)
      return s;
  Expected<Source> src = openSource(input);
  if (!src)
    return src.status();
  std::unique_ptr<Sink> sink;
  if (*container == ModelContainer::GGUF)
    sink = std::make_unique<GGUFSink>();
  else
    sink = std::make_unique<SafetensorsSink>();
  sink->metadata(*src);
  ConvertReport report;
  size_t total = src->tensors.size();
  for (size_t i = 0; i < total; ++i) {
    const SourceTensor &t = src->tensors[i];
    if (options.progress)
      options.progress(i, total, t.name);
    Status s;
    if (spec && wantsQuantization(t, *spec)) {
      std::vector<float> x = toFloat(t);
      int64_t n = static_cast<int64_t>(x.size()), bytes = 0;
      s = storageBytes(*spec, n, bytes);
      std::vector<uint8_t> storage(s ? static_cast<size_t>(bytes) : 0);
      if (s)
        s = quantize(*spec, x.data(), n, storage.data());
      if (s)
        s = sink->quantized(t, *spec, std::move(storage));
      report.quantized.push_back(t.name);
    } else {
      s = sink->copy(t);
      report.copied.push_back(t.name);
    }
    if (!s)
      return Status::error(input + ": " + s.message());
  }
  if (options.progress)
    options.progress(total, total, "");
  if (Status s = sink->write(output); !s)
    return s;
  return report;
}

} // namespace quant4::format
