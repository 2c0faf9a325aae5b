// The embedded default model of `make demo`: a Llama-style MLP block
// y = W_down · silu(W_up · x) whose Q4_K weights are named in a GGUF file
// (written by examples/mlp/make_model.py through lib/Format).
!up = !quant4.blocked<4096x1024, #quant4.q4_k>
!down = !quant4.blocked<1024x4096, #quant4.q4_k>

func.func @mlp(%x: tensor<1x1024xf32>) -> tensor<1x1024xf32> {
  %w_up = quant4.weight "blk.0.ffn_up.weight" from "mlp_q4k.gguf" : !up
  %w_down = quant4.weight "blk.0.ffn_down.weight" from "mlp_q4k.gguf" : !down
  %h = quant4.matmul %x, %w_up : tensor<1x1024xf32>, !up -> tensor<1x4096xf32>
  %init = tensor.empty() : tensor<1x4096xf32>
  %a = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<1x4096xf32>) outs(%init : tensor<1x4096xf32>) {
  ^bb0(%v: f32, %out: f32):
    // silu(v) = v / (1 + exp(-v))
    %one = arith.constant 1.0 : f32
    %neg = arith.negf %v : f32
    %e = math.exp %neg : f32
    %den = arith.addf %one, %e : f32
    %s = arith.divf %v, %den : f32
    linalg.yield %s : f32
  } -> tensor<1x4096xf32>
  %y = quant4.matmul %a, %w_down : tensor<1x4096xf32>, !down -> tensor<1x1024xf32>
  return %y : tensor<1x1024xf32>
}
