//===- NVPTXFlags.cpp - The NVPTX pipeline's options as tool flags --------===//

#include "Tools/NVPTXFlags.h"

using namespace mlir::quant4;

std::unique_ptr<PipelineFlags>
mlir::quant4::makeNVPTXFlags(NVPTXPipelineOptions &options,
                             llvm::ArrayRef<llvm::StringRef> except) {
  llvm::SmallVector<llvm::StringRef> hidden(except);
  hidden.push_back("emit-binary");
  return std::make_unique<PipelineFlags>(
      options.optionsByName(),
      llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>>{
          {"threads", "block-threads"}},
      hidden);
}
