//===- Args.h - Command-line options of q4-quant subcommands ----*- C++ -*-===//
//
// A small option parser shared by the subcommands: "--name VALUE" options,
// "--name" switches, "-o FILE", and positional arguments. Unknown options,
// missing values and repeated options are errors with a one-line message.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_Q4QUANT_ARGS_H
#define QUANT4_TOOLS_Q4QUANT_ARGS_H

#include "Format/Status.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace quant4::tool {

/// The options a subcommand accepts and, after parse(), what was given.
class Args {
public:
  /// Declares "--name VALUE" (or "-o VALUE" when name is "-o").
  Args &option(const std::string &name);
  /// Declares the switch "--name".
  Args &flag(const std::string &name);

  /// Parses argv[0..argc); "--help" / "-h" sets helpRequested().
  format::Status parse(int argc, char **argv);

  bool helpRequested() const { return help_; }
  bool has(const std::string &name) const;
  /// The value of an option, if given.
  std::optional<std::string> get(const std::string &name) const;
  const std::vector<std::string> &positional() const { return positional_; }

private:
  std::set<std::string> options_, flags_;
  std::map<std::string, std::string> values_;
  std::set<std::string> givenFlags_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

} // namespace quant4::tool

#endif // QUANT4_TOOLS_Q4QUANT_ARGS_H
