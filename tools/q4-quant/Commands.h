//===- Commands.h - The subcommands of q4-quant -----------------*- C++ -*-===//
//
// Every subcommand is a function taking the arguments after its name and
// returning the process exit status. main.cpp lists them in its table.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_Q4QUANT_COMMANDS_H
#define QUANT4_TOOLS_Q4QUANT_COMMANDS_H

#include <string>

namespace quant4::tool {

/// A subcommand's entry point: argv holds the arguments after its name.
using CommandFn = int (*)(int argc, char **argv);

/// Prints "q4-quant: error: <message>" on stderr and returns 1.
int fail(const std::string &message);

// QuantCommands.cpp
int runQuantize(int argc, char **argv);
int runDequantize(int argc, char **argv);
extern const char *const kQuantizeHelp;
extern const char *const kDequantizeHelp;

// ModelCommands.cpp
int runInspect(int argc, char **argv);
int runConvert(int argc, char **argv);
extern const char *const kInspectHelp;
extern const char *const kConvertHelp;

} // namespace quant4::tool

#endif // QUANT4_TOOLS_Q4QUANT_COMMANDS_H
