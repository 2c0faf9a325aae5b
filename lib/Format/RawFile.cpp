//===- RawFile.cpp - Raw little-endian files and shapes -------------------===//

#include "Format/RawFile.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

namespace quant4::format {

namespace {
struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

Status ioError(const std::string &what, const std::string &path) {
  return Status::error("cannot " + what + " '" + path +
                       "': " + std::strerror(errno));
}
} // namespace

Status readRawFile(const std::string &path, std::vector<uint8_t> &bytes,
                   int64_t expectedBytes) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return ioError("open", path);
  if (std::fseek(file.get(), 0, SEEK_END) != 0)
    return ioError("read", path);
  long size = std::ftell(file.get());
  if (size < 0 || std::fseek(file.get(), 0, SEEK_SET) != 0)
    return ioError("read", path);
  if (expectedBytes >= 0 && size != expectedBytes)
    return Status::error("'" + path + "' has " + std::to_string(size) +
                         " bytes, expected " + std::to_string(expectedBytes));
  bytes.resize(size_t(size));
  if (size > 0 &&
      std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size())
    return ioError("read", path);
  return Status::success();
}

Status readFloatFile(const std::string &path, int64_t count,
                     std::vector<float> &values) {
  if (count < 0 || count > INT64_MAX / int64_t(sizeof(float)))
    return Status::error("'" + path + "': too many values requested");
  std::vector<uint8_t> bytes;
  if (Status s = readRawFile(path, bytes, count * int64_t(sizeof(float))); !s)
    return s;
  values.resize(size_t(count));
  if (count > 0)
    std::memcpy(values.data(), bytes.data(), bytes.size());
  return Status::success();
}

Status writeRawFile(const std::string &path, const void *data, int64_t size) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file)
    return ioError("create", path);
  if (size > 0 &&
      std::fwrite(data, 1, size_t(size), file.get()) != size_t(size))
    return ioError("write", path);
  if (std::fflush(file.get()) != 0)
    return ioError("write", path);
  return Status::success();
}

Status parseShape(std::string_view text, std::vector<int64_t> &dims) {
  dims.clear();
  auto bad = [&] {
    return Status::error("invalid shape '" + std::string(text) +
                         "' (expected positive integers like 64,4096)");
  };
  if (text.empty())
    return bad();
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view part = text.substr(pos, comma == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : comma - pos);
    int64_t value = 0;
    auto [end, ec] =
        std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() ||
        value <= 0)
      return bad();
    dims.push_back(value);
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  int64_t count;
  if (!shapeElements(dims, count))
    return bad();
  return Status::success();
}

Status shapeElements(const std::vector<int64_t> &dims, int64_t &count) {
  count = 1;
  for (int64_t d : dims)
    if (d < 0 || __builtin_mul_overflow(count, d, &count))
      return Status::error("shape has too many elements");
  return Status::success();
}

} // namespace quant4::format
