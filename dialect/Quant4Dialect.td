//===- Quant4Dialect.td - quant4 dialect definition --------*- tablegen -*-===//
//
// The quant4 dialect: blocked 4-bit weight formats (GGML Q4_K, bitsandbytes
// NF4, OCP MXFP4) as first-class IR.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_DIALECT
#define QUANT4_DIALECT

include "mlir/IR/OpBase.td"

def Quant4_Dialect : Dialect {
  let name = "quant4";
  let cppNamespace = "::mlir::quant4";
  let summary = "Blocked 4-bit weight formats and the ops that use them";
  let description = [{
    quant4 models tensors stored in blocked 4-bit formats — GGML Q4_K
    (llama.cpp / GGUF), bitsandbytes NF4 and OCP MXFP4 — so that a compiler
    can keep weights in their storage format from the model file to the
    generated kernel.

    A *format attribute* (`#quant4.q4_k`, `#quant4.nf4<...>`,
    `#quant4.mxfp4<...>`) describes one format instance. Every format
    attribute implements `BlockFormatAttrInterface`, which answers what a
    lowering needs to know: block size, the storage planes and their sizes,
    and the quantization rules the format offers. A *blocked tensor type*
    `!quant4.blocked<shape, format>` is a tensor whose innermost dimension is
    split into blocks of the format.

    Example: a GEMV with Q4_K weights passed at run time as raw bytes.

    ```mlir
    func.func @gemv(%x: tensor<1x4096xf32>, %raw: tensor<9437184xui8>)
        -> tensor<1x4096xf32> {
      %w = quant4.from_bytes %raw
          : tensor<9437184xui8> -> !quant4.blocked<4096x4096, #quant4.q4_k>
      %y = quant4.matmul %x, %w
          : tensor<1x4096xf32>, !quant4.blocked<4096x4096, #quant4.q4_k>
          -> tensor<1x4096xf32>
      return %y : tensor<1x4096xf32>
    }
    ```

    Constraints cited by verifiers are numbered in docs/Spec.md (C1, C2, ...).
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // to_bytes of a quant4.constant folds to an arith.constant.
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class Quant4_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Quant4_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Quant4_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Quant4_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class Quant4_Op<string mnemonic, list<Trait> traits = []>
    : Op<Quant4_Dialect, mnemonic, traits>;

#endif // QUANT4_DIALECT
