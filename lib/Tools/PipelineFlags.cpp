//===- PipelineFlags.cpp - A pass pipeline's options as tool flags --------===//

#include "Tools/PipelineFlags.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir::quant4;
namespace cl = llvm::cl;

/// A global string flag standing for one option of the options struct.
struct PipelineFlags::Flag {
  Flag(cl::Option *option, std::string name)
      : option(option), name(std::move(name)),
        flag(llvm::StringRef(this->name), cl::desc(option->HelpStr),
             cl::value_desc(option->ValueStr.empty() ? "value"
                                                     : option->ValueStr)) {
    // A bool option may be given without a value, like the option itself.
    flag.setValueExpectedFlag(option->getValueExpectedFlag());
  }
  ~Flag() { flag.removeArgument(); }

  cl::Option *option;
  std::string name;
  cl::opt<std::string> flag;
};

PipelineFlags::PipelineFlags(
    const OptionMap &options,
    llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> renamed,
    llvm::ArrayRef<llvm::StringRef> hidden) {
  for (const auto &[optionName, option] : options) {
    if (llvm::is_contained(hidden, optionName))
      continue;
    llvm::StringRef name = optionName;
    for (auto [from, to] : renamed)
      if (from == optionName)
        name = to;
    flags_.push_back(std::make_unique<Flag>(option, name.str()));
  }
}

PipelineFlags::~PipelineFlags() = default;

bool PipelineFlags::apply() {
  for (const std::unique_ptr<Flag> &flag : flags_) {
    if (!flag->flag.getNumOccurrences())
      continue;
    // The option's messages name the option (llvm::cl::Option::error): under
    // a flag of another name, the flag's name for the time of the call.
    cl::Option &option = *flag->option;
    llvm::StringRef own = option.ArgStr;
    bool renamed = own != flag->name;
    if (renamed)
      option.setArgStr(flag->name);
    bool failed = option.addOccurrence(flag->flag.getPosition(), flag->name,
                                       flag->flag.getValue());
    if (renamed)
      option.setArgStr(own);
    if (failed)
      return false;
  }
  return true;
}
