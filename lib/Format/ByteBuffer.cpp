//===- ByteBuffer.cpp - Read-only bytes of a model file -------------------===//

#include "Format/ByteBuffer.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace quant4::format {

ByteBuffer::~ByteBuffer() = default;

namespace {

class MappedBuffer final : public ByteBuffer {
public:
  MappedBuffer(void *address, size_t size)
      : ByteBuffer(static_cast<const uint8_t *>(address), size),
        address_(address) {}
  ~MappedBuffer() override {
    if (address_)
      munmap(address_, size());
  }

private:
  void *address_;
};

class VectorBuffer final : public ByteBuffer {
public:
  // Moving a vector keeps its storage, so `data` stays valid.
  static std::shared_ptr<const ByteBuffer> make(std::vector<uint8_t> bytes) {
    size_t size = bytes.size();
    const uint8_t *data = bytes.data();
    return std::shared_ptr<const ByteBuffer>(
        new VectorBuffer(std::move(bytes), data, size));
  }

private:
  VectorBuffer(std::vector<uint8_t> &&bytes, const uint8_t *data, size_t size)
      : ByteBuffer(data, size), bytes_(std::move(bytes)) {}
  std::vector<uint8_t> bytes_;
};

class BorrowedBuffer final : public ByteBuffer {
public:
  BorrowedBuffer(const uint8_t *data, size_t size) : ByteBuffer(data, size) {}
};

std::string errnoMessage(const std::string &what, const std::string &path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

} // namespace

Expected<std::shared_ptr<const ByteBuffer>>
ByteBuffer::mapFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::error(errnoMessage("cannot open", path));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    Status s = Status::error(errnoMessage("cannot stat", path));
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::error("not a regular file: '" + path + "'");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return std::shared_ptr<const ByteBuffer>(new BorrowedBuffer(nullptr, 0));
  }
  void *address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (address == MAP_FAILED)
    return Status::error(errnoMessage("cannot map", path));
  return std::shared_ptr<const ByteBuffer>(new MappedBuffer(address, size));
}

std::shared_ptr<const ByteBuffer>
ByteBuffer::fromVector(std::vector<uint8_t> bytes) {
  return VectorBuffer::make(std::move(bytes));
}

std::shared_ptr<const ByteBuffer> ByteBuffer::borrow(const uint8_t *data,
                                                     size_t size) {
  return std::shared_ptr<const ByteBuffer>(new BorrowedBuffer(data, size));
}

FileWriter::FileWriter(const std::string &path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    status_ = Status::error(errnoMessage("cannot create", path));
}

FileWriter::~FileWriter() {
  if (fd_ >= 0)
    ::close(fd_);
}

void FileWriter::append(ByteSpan bytes) {
  size_t done = 0;
  while (status_ && done < bytes.size) {
    ssize_t n = ::write(fd_, bytes.data + done, bytes.size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      status_ = Status::error(errnoMessage("cannot write", path_));
    else
      done += static_cast<size_t>(n);
  }
}

Status FileWriter::close() {
  if (fd_ >= 0 && ::close(fd_) != 0 && status_)
    status_ = Status::error(errnoMessage("cannot close", path_));
  fd_ = -1;
  return status_;
}

Status writeFile(const std::string &path, ByteSpan bytes) {
  FileWriter file(path);
  file.append(bytes);
  return file.close();
}

} // namespace quant4::format
