//===- Quant4Attrs.cpp - quant4 format attributes -------------------------===//
//
// Each format attribute forwards layout questions to lib/Format, which is the
// one place that knows how a format is stored.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::quant4;

#include "dialect/Quant4Enums.cpp.inc"

#include "dialect/Quant4Interfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/Quant4Attrs.cpp.inc"

void Quant4Dialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/Quant4Attrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Q4_K
//===----------------------------------------------------------------------===//

StringRef Q4KAttr::getFormatName() const { return "q4_k"; }

::quant4::format::BlockLayout Q4KAttr::getBlockLayout() const {
  return ::quant4::format::q4kLayout();
}

::quant4::format::FormatSpec
Q4KAttr::getFormatSpec(std::optional<QuantRule>) const {
  return ::quant4::format::FormatSpec::q4k();
}

//===----------------------------------------------------------------------===//
// NF4
//===----------------------------------------------------------------------===//

StringRef NF4Attr::getFormatName() const { return "nf4"; }

::quant4::format::BlockLayout NF4Attr::getBlockLayout() const {
  return ::quant4::format::nf4Layout(getBlockSize(), getDoubleQuant());
}

::quant4::format::FormatSpec
NF4Attr::getFormatSpec(std::optional<QuantRule>) const {
  return ::quant4::format::FormatSpec::nf4(getBlockSize(), getDoubleQuant());
}

LogicalResult NF4Attr::verify(function_ref<InFlightDiagnostic()> emitError,
                              int64_t blockSize, bool doubleQuant) {
  if (!::quant4::format::isValidNF4BlockSize(blockSize))
    return emitError() << "nf4 block_size must be a power of two from 32 to "
                          "4096, got "
                       << blockSize << " (A1)";
  return success();
}

//===----------------------------------------------------------------------===//
// MXFP4
//===----------------------------------------------------------------------===//

StringRef MXFP4Attr::getFormatName() const { return "mxfp4"; }

/// lib/Format's name for an MXFP4 byte layout.
static ::quant4::format::MXFP4Layout formatLayout(MXFP4Layout layout) {
  return layout == MXFP4Layout::ggml ? ::quant4::format::MXFP4Layout::GGML
                                     : ::quant4::format::MXFP4Layout::HF;
}

::quant4::format::BlockLayout MXFP4Attr::getBlockLayout() const {
  return ::quant4::format::mxfp4Layout(formatLayout(getLayout()));
}

::quant4::format::FormatSpec
MXFP4Attr::getFormatSpec(std::optional<QuantRule> rule) const {
  ::quant4::format::MXFP4Rule formatRule = ::quant4::format::MXFP4Rule::OCP;
  if (rule == QuantRule::ggml)
    formatRule = ::quant4::format::MXFP4Rule::GGML;
  else if (rule == QuantRule::optimal)
    formatRule = ::quant4::format::MXFP4Rule::Optimal;
  return ::quant4::format::FormatSpec::mxfp4(formatLayout(getLayout()),
                                             formatRule);
}

ArrayRef<QuantRule> MXFP4Attr::getSupportedRules() const {
  static constexpr QuantRule rules[] = {QuantRule::ggml, QuantRule::ocp,
                                        QuantRule::optimal};
  return rules;
}
