//===- GGUFReaderFuzzer.cpp - libFuzzer target for the GGUF reader --------===//
//
// Parses the input as GGUF. A file the reader accepts must be describable,
// every tensor view must lie inside the input, and writing it again with
// GGUFWriter must give a file that reads back the same.
//
//===----------------------------------------------------------------------===//

#include "Format/GGUFFile.h"
#include "Format/GGUFWriter.h"
#include "Format/ModelInspect.h"

#include "FuzzCheck.h"

using namespace quant4::format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Expected<GGUFFile> file = GGUFFile::parse(ByteBuffer::borrow(data, size));
  if (!file) {
    FUZZ_CHECK(!file.message().empty());
    return 0;
  }
  volatile unsigned sink = 0;
  GGUFWriter writer;
  for (const auto &[key, value] : file->metadata())
    FUZZ_CHECK(writer.setMetadata(key, value));
  for (const GGUFTensorInfo &t : file->tensors()) {
    ByteSpan bytes = file->tensorData(t);
    FUZZ_CHECK(bytes.data >= data && bytes.size <= size &&
               bytes.data - data <= static_cast<ptrdiff_t>(size - bytes.size));
    sink = sink + touch(bytes);
    FUZZ_CHECK(writer.addTensor(t.name, t.type, t.ne, bytes));
  }
  InspectOptions text, json;
  json.json = true;
  sink = sink + describeGGUF(*file, text).size() +
         describeGGUF(*file, json).size();

  std::vector<uint8_t> again = writer.serialize();
  Expected<GGUFFile> reread =
      GGUFFile::parse(ByteBuffer::borrow(again.data(), again.size()));
  FUZZ_CHECK(reread);
  FUZZ_CHECK(reread->metadata().size() == file->metadata().size());
  for (size_t i = 0; i < file->metadata().size(); ++i)
    FUZZ_CHECK(reread->metadata()[i] == file->metadata()[i]);
  FUZZ_CHECK(reread->tensors().size() == file->tensors().size());
  for (size_t i = 0; i < file->tensors().size(); ++i) {
    const GGUFTensorInfo &a = file->tensors()[i], &b = reread->tensors()[i];
    FUZZ_CHECK(a.name == b.name && a.type == b.type && a.ne == b.ne &&
               a.bytes == b.bytes);
    ByteSpan x = file->tensorData(a), y = reread->tensorData(b);
    FUZZ_CHECK(std::equal(x.begin(), x.end(), y.begin(), y.end()));
  }
  return 0;
}
