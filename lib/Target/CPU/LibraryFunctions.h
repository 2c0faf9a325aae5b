//===- LibraryFunctions.h - library-wide C functions and state --*- C++ -*-===//
//
// The parts of a q4-compile library that are not one entry point, emitted as
// LLVM IR:
//
//   const char *q4_<lib>_error(void);   this thread's last error ("" if none)
//   int q4_<lib>_init(const char *dir); load mode: (re)loads the weights
//
// plus, in load mode, the weight table (lib/Runtime/WeightTable.h) the
// runtime fills and a destructor that unmaps the files. The entry wrappers
// (PlainCWrappers.cpp) report errors and reach the weights through here.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_CPU_LIBRARYFUNCTIONS_H
#define QUANT4_TARGET_CPU_LIBRARYFUNCTIONS_H

#include "Target/HostABI/LibraryInterface.h"

#include "llvm/IR/IRBuilder.h"

namespace mlir::quant4 {

class LibraryFunctions {
public:
  /// Adds the error slot, q4_<lib>_error and, in load mode, the weight table,
  /// q4_<lib>_init and the destructor to `module`.
  LibraryFunctions(llvm::Module &module, const LibraryInterface &library);

  /// Ends the current block: makes `message` (a C string) this thread's
  /// error and returns 1.
  void returnError(llvm::IRBuilder<> &b, llvm::Value *message);
  /// Continues in a new block when `message` (a C string from the runtime)
  /// is null; otherwise returns it as the entry's error.
  void returnIfError(llvm::IRBuilder<> &b, llvm::Value *message);
  /// Ends the current block like returnError, with the message
  /// snprintf(format, args...) written to a thread-local buffer.
  void returnFormattedError(llvm::IRBuilder<> &b, llvm::StringRef format,
                            llvm::ArrayRef<llvm::Value *> args);
  /// Load mode: loads the weights unless they are loaded; on failure returns
  /// 1 with the runtime's message. Continues in a new block.
  void ensureWeights(llvm::IRBuilder<> &b);
  /// Load mode, after ensureWeights: the data of weight `index`.
  llvm::Value *weightData(llvm::IRBuilder<> &b, size_t index);

private:
  void addErrorFunction(const LibraryInterface &library);
  void addWeightTable(const LibraryInterface &library);
  void addInitFunction(const LibraryInterface &library);
  /// A private constant C string.
  llvm::Constant *cString(llvm::StringRef text);

  llvm::Module &module;
  llvm::LLVMContext &ctx;
  /// Thread-local: the last error message (a pointer) and the buffer
  /// formatted messages are written to.
  llvm::GlobalVariable *errorSlot = nullptr, *errorBuffer = nullptr;
  /// Load mode: the Q4WeightTable and its data array.
  llvm::GlobalVariable *weightTable = nullptr, *weightDataArray = nullptr;
};

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_LIBRARYFUNCTIONS_H
