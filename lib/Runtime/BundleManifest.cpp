//===- BundleManifest.cpp - The launch manifest q4-nvptx writes -----------===//

#include "Runtime/BundleManifest.h"

#include <sstream>

namespace quant4::runtime {

using format::Expected;
using format::Status;

static constexpr const char *kHeader = "quant4-nvptx-bundle 1";

/// A non-negative integer that fits in `max`.
static bool parseCount(const std::string &word, uint64_t max, uint64_t &out) {
  if (word.empty() || word.size() > 19 ||
      word.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(word);
  return out <= max;
}

static bool parseInteger(const std::string &word, int64_t &out) {
  if (word.empty())
    return false;
  size_t start = word[0] == '-' ? 1 : 0;
  uint64_t magnitude = 0;
  if (!parseCount(word.substr(start), uint64_t(INT64_MAX), magnitude))
    return false;
  out = start ? -int64_t(magnitude) : int64_t(magnitude);
  return true;
}

static bool parseOperand(const std::string &word, size_t numArgs,
                         size_t numScratch, BundleOperand &operand) {
  uint64_t index = 0;
  if (word.size() > 1 && (word[0] == 'a' || word[0] == 's')) {
    bool argument = word[0] == 'a';
    size_t count = argument ? numArgs : numScratch;
    if (count == 0 || !parseCount(word.substr(1), count - 1, index))
      return false;
    operand = {argument ? BundleOperand::Kind::Argument
                        : BundleOperand::Kind::Scratch,
               int64_t(index)};
    return true;
  }
  size_t colon = word.find(':');
  if (colon == std::string::npos)
    return false;
  std::string kind = word.substr(0, colon);
  int64_t value = 0;
  if (!parseInteger(word.substr(colon + 1), value))
    return false;
  if (kind == "i64")
    operand = {BundleOperand::Kind::I64, value};
  else if (kind == "i32" && value >= INT32_MIN && value <= INT32_MAX)
    operand = {BundleOperand::Kind::I32, value};
  else if (kind == "f32" && value >= 0 && value <= UINT32_MAX)
    operand = {BundleOperand::Kind::F32, value};
  else
    return false;
  return true;
}

Expected<std::vector<BundleFunction>>
parseBundleManifest(const std::string &text) {
  std::istringstream lines(text);
  std::string line;
  std::vector<BundleFunction> functions;
  size_t number = 0;
  size_t declaredArgs = 0;
  auto error = [&](const std::string &what) {
    return Status::error("manifest line " + std::to_string(number) + ": " +
                         what + ": '" + line + "'");
  };
  while (std::getline(lines, line)) {
    ++number;
    if (number == 1) {
      if (line != kHeader)
        return error(std::string("expected '") + kHeader + "'");
      continue;
    }
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;)
      w.push_back(word);
    if (w.empty())
      continue;
    uint64_t count = 0;
    if (w[0] == "func") {
      if (w.size() != 3 || !parseCount(w[2], 1 << 16, count))
        return error("expected 'func <name> <arguments>'");
      functions.push_back({w[1], {}, {}, {}});
      declaredArgs = count;
      continue;
    }
    if (functions.empty())
      return error("'" + w[0] + "' before any 'func'");
    BundleFunction &function = functions.back();
    if (w[0] == "arg") {
      uint64_t bytes = 0;
      if (w.size() != 4 || !parseCount(w[1], 1 << 16, count) ||
          count != function.arguments.size() || count >= declaredArgs ||
          !parseCount(w[2], UINT64_MAX >> 1, bytes))
        return error("expected 'arg <next index> <bytes> <type>'");
      function.arguments.push_back({bytes, w[3]});
      continue;
    }
    if (w[0] == "scratch") {
      uint64_t bytes = 0;
      if (w.size() != 4 || !parseCount(w[1], 1 << 16, count) ||
          count != function.scratch.size() ||
          !parseCount(w[2], UINT64_MAX >> 1, bytes) || bytes == 0)
        return error("expected 'scratch <next index> <bytes> <type>'");
      function.scratch.push_back({bytes, w[3]});
      continue;
    }
    if (w[0] == "launch") {
      if (function.arguments.size() != declaredArgs)
        return error("launch before all arguments of " + function.name);
      BundleLaunch launch;
      uint64_t dims[6];
      if (w.size() < 9)
        return error("expected 'launch <ptx> <kernel> <grid> <block> ...'");
      for (int i = 0; i < 6; ++i)
        if (!parseCount(w[3 + i], UINT32_MAX, dims[i]) || dims[i] == 0)
          return error("bad launch dimension '" + w[3 + i] + "'");
      launch.ptxFile = w[1];
      launch.kernel = w[2];
      launch.grid = {unsigned(dims[0]), unsigned(dims[1]), unsigned(dims[2])};
      launch.block = {unsigned(dims[3]), unsigned(dims[4]), unsigned(dims[5])};
      size_t first = 9;
      const std::string shared = "shared=";
      if (w.size() > first && w[first].compare(0, shared.size(), shared) == 0) {
        uint64_t bytes = 0;
        if (!parseCount(w[first].substr(shared.size()), UINT32_MAX, bytes))
          return error("bad dynamic shared memory size '" + w[first] + "'");
        launch.sharedBytes = unsigned(bytes);
        ++first;
      }
      if (w.size() > first && w[first] == "pdl") {
        launch.programmatic = true;
        ++first;
      }
      for (size_t i = first; i < w.size(); ++i) {
        BundleOperand operand{};
        if (!parseOperand(w[i], declaredArgs, function.scratch.size(), operand))
          return error("bad operand '" + w[i] + "'");
        launch.operands.push_back(operand);
      }
      function.launches.push_back(std::move(launch));
      continue;
    }
    return error("unknown entry '" + w[0] + "'");
  }
  if (number == 0)
    return Status::error("manifest is empty");
  return functions;
}

} // namespace quant4::runtime
