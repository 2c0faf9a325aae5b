//===- Quant4Types.td - quant4 types -----------------------*- tablegen -*-===//

#ifndef QUANT4_TYPES
#define QUANT4_TYPES

include "Quant4Attrs.td"
include "mlir/IR/AttrTypeBase.td"

def Quant4_BlockedTensorType : Quant4_Type<"BlockedTensor", "blocked"> {
  let summary = "A tensor stored in a blocked 4-bit format";
  let description = [{
    A value-semantic tensor of logical shape `shape` whose values are stored
    in `format`. Blocks run along the innermost dimension, which must be
    static and a multiple of the format's block size (C1, C2); outer
    dimensions may be dynamic (`?`). The storage size follows from the type:
    `numBlocks = product(shape) / blockSize` and the format's planes (C3).

    ```mlir
    !quant4.blocked<4096x11008, #quant4.q4_k>
    !quant4.blocked<?x4096, #quant4.mxfp4<layout = hf>>
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "logical shape">:$shape,
    "::mlir::quant4::BlockFormatAttrInterface":$format);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    bool hasStaticShape() const {
      return ::mlir::ShapedType::isStaticShape(getShape());
    }
    int64_t getNumDynamicDims() const;
    /// Number of blocks; requires a static shape.
    int64_t getNumBlocks() const;
    /// Storage bytes; requires a static shape.
    int64_t getStorageBytes() const;
    /// The raw storage type `tensor<Bxi8>` (`?` when the shape is dynamic).
    ::mlir::RankedTensorType getStorageType(::mlir::Type byteType) const;
    /// The same logical shape as a tensor of `elementType`.
    ::mlir::RankedTensorType getTensorType(::mlir::Type elementType) const;
  }];
}

#endif // QUANT4_TYPES
