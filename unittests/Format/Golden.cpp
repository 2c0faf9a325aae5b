//===- Golden.cpp - Access to the golden vectors --------------------------===//

#include "Golden.h"

#include "Format/RawFile.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace quant4::golden {

std::string path(const std::string &dir, const std::string &file) {
  return std::string(QUANT4_GOLDEN_DIR) + "/" + dir + "/" + file;
}

std::vector<Case> cases(const std::string &dir) {
  std::ifstream in(path(dir, "MANIFEST.txt"));
  EXPECT_TRUE(in.good()) << "cannot read " << path(dir, "MANIFEST.txt");
  std::vector<Case> result;
  std::string line;
  // Each MANIFEST has a single "Cases:" section; the "case" lines are
  // followed by "shape: [R, C]" and, for NF4, "blocksize: N".
  while (std::getline(in, line)) {
    if (line.rfind("case ", 0) == 0) {
      std::istringstream words(line.substr(5));
      Case c;
      words >> c.name;
      result.push_back(c);
      continue;
    }
    if (result.empty())
      continue;
    Case &c = result.back();
    size_t shape = line.find("shape: [");
    if (shape != std::string::npos)
      std::sscanf(line.c_str() + shape, "shape: [%ld, %ld]", &c.rows, &c.cols);
    size_t block = line.find("blocksize: ");
    if (block != std::string::npos)
      std::sscanf(line.c_str() + block, "blocksize: %ld", &c.blockSize);
    if (line.find("nested (double quant)") != std::string::npos)
      c.nested = true;
  }
  std::vector<Case> withShape;
  for (const Case &c : result)
    if (c.rows > 0 && c.cols > 0)
      withShape.push_back(c);
  EXPECT_FALSE(withShape.empty()) << "no cases in " << dir << "/MANIFEST.txt";
  return withShape;
}

std::vector<uint8_t> bytes(const std::string &dir, const std::string &file,
                           int64_t expectedBytes) {
  std::vector<uint8_t> data;
  quant4::format::Status s =
      quant4::format::readRawFile(path(dir, file), data, expectedBytes);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok())
    data.clear();
  return data;
}

std::vector<float> floats(const std::string &dir, const std::string &file,
                          int64_t count) {
  std::vector<uint8_t> data = bytes(dir, file, count * 4);
  std::vector<float> values(data.size() / 4);
  if (!data.empty())
    std::memcpy(values.data(), data.data(), data.size());
  if (int64_t(values.size()) != count)
    values.assign(size_t(count), 0.0f);
  return values;
}

std::vector<uint32_t> bitsOf(const std::vector<float> &values) {
  std::vector<uint32_t> bits(values.size());
  if (!values.empty())
    std::memcpy(bits.data(), values.data(), values.size() * 4);
  return bits;
}

} // namespace quant4::golden
