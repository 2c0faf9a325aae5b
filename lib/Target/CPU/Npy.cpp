//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "Target/CPU/Npy.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace quant4::cpu {

namespace {

struct TypeInfo {
  NpyType type;
  const char *descr;
  int size;
};

constexpr TypeInfo kTypes[] = {
    {NpyType::F32, "<f4", 4}, {NpyType::F16, "<f2", 2},
    {NpyType::U16, "<u2", 2}, {NpyType::U8, "|u1", 1},
    {NpyType::I8, "|i1", 1},
};

const TypeInfo &info(NpyType type) {
  for (const TypeInfo &t : kTypes)
    if (t.type == type)
      return t;
  return kTypes[0];
}

/// The value of `key` in the header dict, up to the next top-level comma or
/// closing brace (tuples kept whole); empty when missing.
std::string headerValue(const std::string &header, const std::string &key) {
  size_t pos = header.find("'" + key + "'");
  if (pos == std::string::npos)
    return {};
  pos = header.find(':', pos);
  if (pos == std::string::npos)
    return {};
  ++pos;
  while (pos < header.size() && header[pos] == ' ')
    ++pos;
  int depth = 0;
  size_t end = pos;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  return header.substr(pos, end - pos);
}

bool parseShape(const std::string &text, std::vector<int64_t> &shape) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    return false;
  std::stringstream ss(text.substr(1, text.size() - 2));
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t first = item.find_first_not_of(' ');
    if (first == std::string::npos)
      continue;
    char *end = nullptr;
    long long v = std::strtoll(item.c_str() + first, &end, 10);
    if (v < 0)
      return false;
    shape.push_back(v);
  }
  return true;
}

} // namespace

const char *npyDescr(NpyType type) { return info(type).descr; }
int npyElementSize(NpyType type) { return info(type).size; }

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool readNpy(const std::string &path, NpyArray &array, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = "'" + path + "' is not a .npy file";
    return false;
  }
  uint32_t headerLen = 0;
  unsigned char len[4] = {0, 0, 0, 0};
  int lenBytes = magic[6] == 1 ? 2 : 4;
  if (!in.read(reinterpret_cast<char *>(len), lenBytes)) {
    error = "truncated header in '" + path + "'";
    return false;
  }
  headerLen = len[0] | len[1] << 8 | len[2] << 16 | uint32_t(len[3]) << 24;
  std::string header(headerLen, '\0');
  if (!in.read(header.data(), headerLen)) {
    error = "truncated header in '" + path + "'";
    return false;
  }
  std::string descr = headerValue(header, "descr");
  if (descr.size() >= 2)
    descr = descr.substr(1, descr.size() - 2);
  // NumPy writes single-byte types with '|'; accept '<' / '=' as well.
  if (descr.size() == 3 && descr[2] == '1' && descr[0] != '>')
    descr[0] = '|';
  const TypeInfo *type = nullptr;
  for (const TypeInfo &t : kTypes)
    if (descr == t.descr)
      type = &t;
  if (!type) {
    error = "'" + path + "': unsupported npy dtype '" + descr +
            "' (supported: float32 <f4, float16 <f2, bfloat16 as uint16 "
            "<u2, uint8 |u1, int8 |i1)";
    return false;
  }
  if (headerValue(header, "fortran_order") != "False") {
    error = "'" + path + "': Fortran-order arrays are not supported";
    return false;
  }
  array.type = type->type;
  array.shape.clear();
  if (!parseShape(headerValue(header, "shape"), array.shape)) {
    error = "'" + path + "': malformed shape";
    return false;
  }
  array.data.resize(size_t(array.numElements()) * type->size);
  if (!in.read(reinterpret_cast<char *>(array.data.data()),
               std::streamsize(array.data.size()))) {
    error = "'" + path + "': file shorter than its shape says";
    return false;
  }
  return true;
}

bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error) {
  // Python tuple syntax: "()", "(n,)", "(a, b)".
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  shape += array.shape.size() == 1 ? ",)" : ")";
  std::string header = "{'descr': '" + std::string(npyDescr(array.type)) +
                       "', 'fortran_order': False, 'shape': " + shape;
  header += ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot create '" + path + "'";
    return false;
  }
  uint16_t len = uint16_t(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  char lenBytes[2] = {char(len & 0xFF), char(len >> 8)};
  out.write(lenBytes, 2);
  out << header;
  out.write(reinterpret_cast<const char *>(array.data.data()),
            std::streamsize(array.data.size()));
  if (!out) {
    error = "write to '" + path + "' failed";
    return false;
  }
  return true;
}

} // namespace quant4::cpu
