// The Q8_K rounding of x inside `activations q8_k` is bit-exact with ggml's
// quantize_row_q8_K_ref (the golden gemv_x_4096.q8k). Probe weights expose
// it (q4npy.py q8k-probe): row n < 4096 has d = 1, scales 1 and the single
// code 1 at k = n, so y[n] = d_x * q_x[n] exactly; row 4096 + r has dmin = 1
// and min 1 for sub-block r only, so y = -d_x * (sum of its 32 codes), which
// checks the block sums. The expected values come from the golden Q8_K
// bytes, not from this code; the python port that builds the other tests'
// references is checked against the same golden bytes.
//
// RUN: %q4npy raw %t.x.npy --dtype f32 --shape 1,4096 %golden/q4k/gemv_x_4096.f32
// RUN: %q4npy q8k %t.x.q8k %t.x.npy
// RUN: cmp %t.x.q8k %golden/q4k/gemv_x_4096.q8k
// RUN: %q4npy q8k-probe %t.w.npy %t.expected.npy %golden/q4k/gemv_x_4096.q8k 4096
// RUN: q4-run %s --entry probe --input %t.x.npy --input %t.w.npy --output %t.y.npy
// RUN: %q4npy close %t.y.npy %t.expected.npy 0

!w = !quant4.blocked<4224x4096, #quant4.q4_k>

func.func @probe(%x: tensor<1x4096xf32>, %raw: tensor<9732096xui8>) -> tensor<1x4224xf32> {
  %w = quant4.from_bytes %raw : tensor<9732096xui8> -> !w
  %y = quant4.matmul %x, %w activations q8_k : tensor<1x4096xf32>, !w -> tensor<1x4224xf32>
  return %y : tensor<1x4224xf32>
}
