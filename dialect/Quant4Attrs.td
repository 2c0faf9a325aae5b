//===- Quant4Attrs.td - quant4 format attributes -----------*- tablegen -*-===//

#ifndef QUANT4_ATTRS
#define QUANT4_ATTRS

include "Quant4Dialect.td"
include "Quant4Enums.td"
include "Quant4Interfaces.td"
include "mlir/IR/AttrTypeBase.td"

class Quant4_FormatAttr<string name, string attrMnemonic,
                        list<string> overridden = []>
    : Quant4_Attr<name, attrMnemonic, [
        DeclareAttrInterfaceMethods<Quant4_BlockFormatAttrInterface,
                                    overridden>]>;

def Quant4_Q4KAttr
    : Quant4_FormatAttr<"Q4K", "q4_k",
                        ["getDecodeGroupSize", "getDecodeVectorWidth",
                         "buildVectorDecode", "buildBlockAffine",
                         "buildVectorCodes"]> {
  let summary = "GGML Q4_K: 256-value super-blocks of 144 bytes";
  let description = [{
    ggml's `block_q4_K { fp16 d; fp16 dmin; u8 scales[12]; u8 qs[128]; }`:
    256 values (QK_K) in 8 sub-blocks of 32, each with a 6-bit scale and a
    6-bit min; 4.5 bits per weight. Value `e = 64c + 32h + l` is nibble `h` of
    `qs[32c + l]`; `y = fp16(d) * sc_j * q - fp16(dmin) * m_j` with
    `j = 2c + h`. Quantization follows `quantize_row_q4_K_ref` (no importance
    matrix), so Q4_K offers no choice of rule.

    ```mlir
    !w = !quant4.blocked<4096x4096, #quant4.q4_k>
    ```
  }];
}

def Quant4_NF4Attr
    : Quant4_FormatAttr<"NF4", "nf4",
                        ["getDecodeVectorWidth", "buildVectorDecode",
                         "buildBlockAffine", "buildVectorCodes"]> {
  let summary = "bitsandbytes NF4: 16-value normal-float codebook per block";
  let description = [{
    bitsandbytes' 4-bit NormalFloat: blocks of `block_size` consecutive
    values (a power of two from 32 to 4096; default 64) with a float32
    absmax each; codes index a fixed 16-entry codebook; two codes per byte,
    the first element in the HIGH nibble.

    Storage planes: the packed codes, then the float32 absmax per block. With
    `double_quant` (bitsandbytes' `compress_statistics`), the absmax values
    are themselves quantized: one byte per block (signed 8-bit dynamic map),
    one float32 scale per 256 blocks, and one float32 offset (their mean).

    ```mlir
    !a = !quant4.blocked<4096x4096, #quant4.nf4>
    !b = !quant4.blocked<4096x4096, #quant4.nf4<block_size = 128, double_quant = true>>
    ```
  }];
  let parameters = (ins
    DefaultValuedParameter<"int64_t", "64",
                           "values per block">:$block_size,
    DefaultValuedParameter<"bool", "false",
                           "absmax double-quantized">:$double_quant);
  let assemblyFormat = "(`<` struct(params)^ `>`)?";
  let genVerifyDecl = 1;
}

def Quant4_MXFP4Attr
    : Quant4_FormatAttr<"MXFP4", "mxfp4",
                        ["getSupportedRules", "getDecodeVectorWidth",
                         "buildVectorDecode", "buildBlockAffine",
                         "buildVectorCodes"]> {
  let summary = "OCP MXFP4: 32 E2M1 values sharing one E8M0 scale";
  let description = [{
    OCP Microscaling v1.0 MXFP4: blocks of 32 E2M1 elements (values 0, 0.5,
    1, 1.5, 2, 3, 4, 6 and their negatives) with a shared power-of-two E8M0
    scale. `layout` picks how the bytes are arranged (see `MXFP4Layout`):
    `ggml` (default, 17-byte blocks) or `hf` (gpt-oss blocks plane + scales
    plane). Quantization offers the rules `ggml`, `ocp` (default) and
    `optimal`.

    ```mlir
    !a = !quant4.blocked<2880x2880, #quant4.mxfp4>
    !b = !quant4.blocked<2880x2880, #quant4.mxfp4<layout = hf>>
    ```
  }];
  let parameters = (ins
    DefaultValuedParameter<"::mlir::quant4::MXFP4Layout",
                           "::mlir::quant4::MXFP4Layout::ggml",
                           "byte layout">:$layout);
  let assemblyFormat = "(`<` struct(params)^ `>`)?";
}

#endif // QUANT4_ATTRS
