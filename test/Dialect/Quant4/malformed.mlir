// RUN: q4-opt %s -split-input-file -verify-diagnostics

// Malformed syntax gets a located diagnostic, never a crash.

// expected-error @+1 {{expected ','}}
func.func private @missing_format(!quant4.blocked<4x256>)

// -----

// expected-error @+1 {{unbalanced '<' character in pretty dialect name}}
func.func private @unterminated(!quant4.blocked<4x256, #quant4.q4_k)

// -----

// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{failed to parse Quant4_NF4Attr parameter 'block_size' which is to be a `int64_t`}}
func.func private @bad_block(!quant4.blocked<4x256, #quant4.nf4<block_size = big>>)

// -----

// expected-error @+2 {{expected one of [ggml, hf] for Element and scale layout of MXFP4 storage, got: ieee}}
// expected-error @+1 {{failed to parse Quant4_MXFP4Attr parameter 'layout'}}
func.func private @bad_layout(!quant4.blocked<4x256, #quant4.mxfp4<layout = ieee>>)

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: blocksize}}
func.func private @bad_key(!quant4.blocked<4x256, #quant4.nf4<blocksize = 64>>)

// -----

// expected-error @+1 {{unknown attribute `q5_k` in dialect `quant4`}}
func.func private @unknown_format(!quant4.blocked<4x256, #quant4.q5_k>)

// -----

// expected-error @+1 {{type `packed` in dialect `quant4`}}
func.func private @unknown_type(!quant4.packed<4x256, #quant4.q4_k>)

// -----

func.func @bad_rule(%x: tensor<1x32xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'rule' [ggml, ocp, optimal]}}
  %q = quant4.quantize %x rule 3 : tensor<1x32xf32> -> !quant4.blocked<1x32, #quant4.mxfp4>
  return
}

// -----

func.func @unknown_rule(%x: tensor<1x32xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'rule' [ggml, ocp, optimal]}}
  %q = quant4.quantize %x rule nearest : tensor<1x32xf32> -> !quant4.blocked<1x32, #quant4.mxfp4>
  return
}

// -----

func.func @missing_type(%x: tensor<1x32xf32>) {
  // expected-error @+1 {{expected ':'}}
  %q = quant4.quantize %x
  return
}
