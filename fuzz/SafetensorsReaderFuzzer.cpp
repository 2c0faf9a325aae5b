//===- SafetensorsReaderFuzzer.cpp - libFuzzer target for safetensors -----===//
//
// Parses the input as safetensors and looks for NF4 / MXFP4 groups. A file
// the reader accepts must be describable, every view must lie inside the
// input, and writing it again must give a file that reads back the same.
//
//===----------------------------------------------------------------------===//

#include "Format/ModelInspect.h"
#include "Format/SafetensorsFile.h"
#include "Format/SafetensorsQuant.h"
#include "Format/SafetensorsWriter.h"

#include "FuzzCheck.h"

#include <algorithm>

using namespace quant4::format;

namespace {

bool inside(ByteSpan s, const uint8_t *data, size_t size) {
  return s.size == 0 ||
         (s.data >= data && s.size <= size &&
          s.data - data <= static_cast<ptrdiff_t>(size - s.size));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Expected<SafetensorsFile> file =
      SafetensorsFile::parse(ByteBuffer::borrow(data, size));
  if (!file) {
    FUZZ_CHECK(!file.message().empty());
    return 0;
  }
  volatile unsigned sink = 0;
  SafetensorsWriter writer;
  for (const auto &[k, v] : file->metadata())
    writer.setMetadata(k, v);
  for (const SafetensorsTensorInfo &t : file->tensors()) {
    ByteSpan bytes = file->tensorData(t);
    FUZZ_CHECK(inside(bytes, data, size));
    sink = sink + touch(bytes);
    FUZZ_CHECK(writer.addTensor(t.name, t.dtype, t.shape, bytes));
  }
  Expected<std::vector<QuantizedTensorGroup>> groups =
      findQuantizedGroups(*file);
  if (groups) {
    for (const QuantizedTensorGroup &g : *groups)
      for (const QuantPlane &p : g.planes)
        if (!p.tensor.empty())
          FUZZ_CHECK(inside(p.bytes, data, size));
  } else {
    FUZZ_CHECK(!groups.message().empty());
  }
  InspectOptions json;
  json.json = true;
  Expected<std::string> text = describeSafetensors(*file, json);
  FUZZ_CHECK(text.ok() == groups.ok());

  std::vector<uint8_t> again = writer.serialize();
  Expected<SafetensorsFile> reread =
      SafetensorsFile::parse(ByteBuffer::borrow(again.data(), again.size()));
  FUZZ_CHECK(reread);
  FUZZ_CHECK(reread->tensors().size() == file->tensors().size());
  for (const SafetensorsTensorInfo &a : file->tensors()) {
    const SafetensorsTensorInfo *b = reread->findTensor(a.name);
    FUZZ_CHECK(b && b->dtype == a.dtype && b->shape == a.shape);
    ByteSpan x = file->tensorData(a), y = reread->tensorData(*b);
    FUZZ_CHECK(std::equal(x.begin(), x.end(), y.begin(), y.end()));
  }
  std::vector<std::pair<std::string, std::string>> m1 = file->metadata(),
                                                   m2 = reread->metadata();
  std::sort(m1.begin(), m1.end());
  std::sort(m2.begin(), m2.end());
  FUZZ_CHECK(m1 == m2);
  return 0;
}
