// Input for diagnostics.test: an invalid type in a function signature.


func.func private @f(!quant4.blocked<4x100, #quant4.q4_k>)
