// RUN: q4-opt %s -split-input-file -verify-diagnostics

// Type and attribute verifiers (docs/Spec.md C1-C3, A1).

// expected-error @+1 {{innermost dimension of a blocked tensor must be static (C1)}}
func.func private @dynamic_inner(!quant4.blocked<4x?, #quant4.q4_k>)

// -----

// expected-error @+1 {{blocked tensor must have rank >= 1 (C1)}}
func.func private @rank0(!quant4.blocked<, #quant4.q4_k>)

// -----

// expected-error @+1 {{innermost dimension 100 is not a multiple of the block size 256 of #quant4.q4_k (C2)}}
func.func private @not_multiple(!quant4.blocked<4x100, #quant4.q4_k>)

// -----

// expected-error @+1 {{innermost dimension 96 is not a multiple of the block size 64 of #quant4.nf4 (C2)}}
func.func private @nf4_not_multiple(!quant4.blocked<96, #quant4.nf4>)

// -----

// expected-error @+1 {{storage size of the blocked tensor overflows int64 (C3)}}
func.func private @overflow(!quant4.blocked<9223372036854775807x256, #quant4.q4_k>)

// -----

// expected-error @+1 {{expected a quant4 format attribute, got f32}}
func.func private @not_a_format(!quant4.blocked<4x256, f32>)

// -----

// expected-error @+1 {{nf4 block_size must be a power of two from 32 to 4096, got 100 (A1)}}
func.func private @nf4_block(!quant4.blocked<4x200, #quant4.nf4<block_size = 100>>)

// -----

// expected-error @+1 {{nf4 block_size must be a power of two from 32 to 4096, got 8192 (A1)}}
func.func private @nf4_block_large(!quant4.blocked<4x8192, #quant4.nf4<block_size = 8192>>)
