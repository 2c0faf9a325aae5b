//===- Args.cpp - Command-line options of q4-quant subcommands ------------===//

#include "Args.h"

namespace quant4::tool {

using format::Status;

Args &Args::option(const std::string &name) {
  options_.insert(name);
  return *this;
}

Args &Args::flag(const std::string &name) {
  flags_.insert(name);
  return *this;
}

Status Args::parse(int argc, char **argv) {
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inlineValue;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      inlineValue = arg.substr(eq + 1);
    }
    if (flags_.count(name) && !inlineValue) {
      givenFlags_.insert(name);
      continue;
    }
    if (!options_.count(name))
      return Status::error("unknown option '" + arg + "'");
    if (values_.count(name))
      return Status::error("option '" + name + "' given more than once");
    if (!inlineValue) {
      if (i + 1 >= argc)
        return Status::error("option '" + name + "' needs a value");
      inlineValue = argv[++i];
    }
    values_[name] = *inlineValue;
  }
  return Status::success();
}

bool Args::has(const std::string &name) const {
  return values_.count(name) || givenFlags_.count(name);
}

std::optional<std::string> Args::get(const std::string &name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return std::nullopt;
  return it->second;
}

} // namespace quant4::tool
