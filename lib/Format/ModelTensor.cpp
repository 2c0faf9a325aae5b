//===- ModelTensor.cpp - One tensor of a model file, ready to use ---------===//

#include "Format/ModelTensor.h"

#include "Format/GGUFFile.h"
#include "Format/SafetensorsQuant.h"

#include <cstring>

namespace quant4::format {

std::string ModelTensor::describeElement() const {
  switch (element) {
  case Element::F32:
    return "f32";
  case Element::F16:
    return "f16";
  case Element::BF16:
    return "bf16";
  case Element::Blocked:
    return describe(format);
  }
  return "unknown";
}

ModelFile::~ModelFile() = default;

namespace {

class GGUFModelFile final : public ModelFile {
public:
  GGUFModelFile(std::string path, GGUFFile file)
      : ModelFile(std::move(path)), file_(std::move(file)) {}

  Expected<ModelTensor> tensor(std::string_view name) const override {
    const GGUFTensorInfo *info = file_.findTensor(name);
    if (!info)
      return Status::error(path() + ": no tensor named '" + std::string(name) +
                           "'");
    ModelTensor t;
    t.shape = info->rowMajorShape();
    t.bytes = file_.tensorData(*info);
    t.owner = file_.buffer();
    switch (info->type) {
    case GGMLType::F32:
      t.element = ModelTensor::Element::F32;
      return t;
    case GGMLType::F16:
      t.element = ModelTensor::Element::F16;
      return t;
    case GGMLType::BF16:
      t.element = ModelTensor::Element::BF16;
      return t;
    case GGMLType::Q4_K:
      return blocked(std::move(t), FormatSpec::q4k());
    case GGMLType::MXFP4:
      return blocked(std::move(t), FormatSpec::mxfp4(MXFP4Layout::GGML));
    case GGMLType::Q4_0:
      return blocked(std::move(t), FormatSpec{FormatKind::Q4_0});
    case GGMLType::Q8_0:
      return blocked(std::move(t), FormatSpec{FormatKind::Q8_0});
    default:
      return Status::error(path() + ": tensor '" + std::string(name) +
                           "' has ggml type " +
                           std::string(ggmlTypeName(info->type)) +
                           ", which quant4 does not support");
    }
  }

private:
  static ModelTensor blocked(ModelTensor t, FormatSpec spec) {
    t.element = ModelTensor::Element::Blocked;
    t.format = spec;
    return t;
  }

  GGUFFile file_;
};

/// safetensors: plain tensors, plus the NF4 / MXFP4 groups whose planes are
/// stored as several tensors (brought together into planar storage).
class SafetensorsModelFile final : public ModelFile {
public:
  SafetensorsModelFile(std::string path, SafetensorsFile file,
                       std::vector<QuantizedTensorGroup> groups)
      : ModelFile(std::move(path)), file_(std::move(file)),
        groups_(std::move(groups)) {}

  Expected<ModelTensor> tensor(std::string_view name) const override {
    for (const QuantizedTensorGroup &group : groups_)
      if (group.name == name)
        return blocked(group);
    const SafetensorsTensorInfo *info = file_.findTensor(name);
    if (!info)
      return Status::error(path() + ": no tensor named '" + std::string(name) +
                           "'");
    ModelTensor t;
    t.shape = info->shape;
    t.bytes = file_.tensorData(*info);
    t.owner = file_.buffer();
    switch (info->dtype) {
    case SafetensorsDType::F32:
      t.element = ModelTensor::Element::F32;
      return t;
    case SafetensorsDType::F16:
      t.element = ModelTensor::Element::F16;
      return t;
    case SafetensorsDType::BF16:
      t.element = ModelTensor::Element::BF16;
      return t;
    default:
      return Status::error(path() + ": tensor '" + std::string(name) +
                           "' has dtype " +
                           std::string(safetensorsDTypeName(info->dtype)) +
                           ", which quant4 does not support");
    }
  }

private:
  static Expected<ModelTensor> blocked(const QuantizedTensorGroup &group) {
    ModelTensor t;
    t.element = ModelTensor::Element::Blocked;
    t.shape = group.shape;
    t.format = group.format == FormatKind::NF4
                   ? FormatSpec::nf4(group.blockSize, group.doubleQuant)
                   : FormatSpec::mxfp4(group.mxfp4Layout);
    std::vector<uint8_t> storage;
    for (const QuantPlane &plane : group.planes)
      storage.insert(storage.end(), plane.bytes.begin(), plane.bytes.end());
    t.owner = ByteBuffer::fromVector(std::move(storage));
    t.bytes = t.owner->bytes();
    return t;
  }

  SafetensorsFile file_;
  std::vector<QuantizedTensorGroup> groups_;
};

} // namespace

Expected<std::shared_ptr<ModelFile>> ModelFile::open(const std::string &path) {
  Expected<std::shared_ptr<const ByteBuffer>> buffer =
      ByteBuffer::mapFile(path);
  if (!buffer)
    return buffer.status();
  std::shared_ptr<const ByteBuffer> bytes = buffer.take();
  uint32_t magic = 0;
  if (bytes->size() >= sizeof(magic))
    std::memcpy(&magic, bytes->data(), sizeof(magic));
  if (magic == kGGUFMagic) {
    Expected<GGUFFile> file = GGUFFile::parse(bytes);
    if (!file)
      return Status::error(path + ": " + file.message());
    return std::shared_ptr<ModelFile>(
        std::make_shared<GGUFModelFile>(path, file.take()));
  }
  Expected<SafetensorsFile> file = SafetensorsFile::parse(bytes);
  if (!file)
    return Status::error(path + ": not a GGUF file, and not a safetensors "
                                "file: " +
                         file.message());
  Expected<std::vector<QuantizedTensorGroup>> groups =
      findQuantizedGroups(*file);
  if (!groups)
    return Status::error(path + ": " + groups.message());
  return std::shared_ptr<ModelFile>(std::make_shared<SafetensorsModelFile>(
      path, file.take(), groups.take()));
}

Expected<std::shared_ptr<ModelFile>>
ModelFileCache::get(const std::string &path) {
  auto it = files_.find(path);
  if (it != files_.end())
    return it->second;
  Expected<std::shared_ptr<ModelFile>> file = ModelFile::open(path);
  if (file)
    files_.emplace(path, *file);
  return file;
}

} // namespace quant4::format
