// A gated MLP block as in Llama, with weights in three formats and read from a
// model file at compile or load time: gate/up in NF4 (bitsandbytes,
// double-quantized absmax), down in MXFP4 (gpt-oss layout). The batch of
// tokens is dynamic.
func.func @mlp(%x: tensor<?x4096xbf16>) -> tensor<?x4096xbf16> {
  %c0 = arith.constant 0 : index
  %wg = quant4.weight "blk.0.ffn_gate.weight" from "model.safetensors" : !quant4.blocked<11008x4096, #quant4.nf4<double_quant = true>>
  %wu = quant4.weight "blk.0.ffn_up.weight" from "model.safetensors" : !quant4.blocked<11008x4096, #quant4.nf4<double_quant = true>>
  %wd = quant4.weight "blk.0.ffn_down.weight" from "model.safetensors" : !quant4.blocked<4096x11008, #quant4.mxfp4<layout = hf>>
  %g = quant4.matmul %x, %wg : tensor<?x4096xbf16>, !quant4.blocked<11008x4096, #quant4.nf4<double_quant = true>> -> tensor<?x11008xf32>
  %u = quant4.matmul %x, %wu : tensor<?x4096xbf16>, !quant4.blocked<11008x4096, #quant4.nf4<double_quant = true>> -> tensor<?x11008xf32>
  %n = tensor.dim %x, %c0 : tensor<?x4096xbf16>
  %init = tensor.empty(%n) : tensor<?x11008xbf16>
  %h = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%g, %u : tensor<?x11008xf32>, tensor<?x11008xf32>) outs(%init : tensor<?x11008xbf16>) {
  ^bb0(%a: f32, %b: f32, %out: bf16):
    // silu(a) * b
    %neg = arith.negf %a : f32
    %e = math.exp %neg : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %one, %e : f32
    %s = arith.divf %a, %den : f32
    %p = arith.mulf %s, %b : f32
    %r = arith.truncf %p : f32 to bf16
    linalg.yield %r : bf16
  } -> tensor<?x11008xbf16>
  %y = quant4.matmul %h, %wd : tensor<?x11008xbf16>, !quant4.blocked<4096x11008, #quant4.mxfp4<layout = hf>> -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}
