#!/usr/bin/env python3
"""make demo, step 1: the embedded default model.

A Llama-style MLP block y = W_down · silu(W_up · x) with deterministic
N(0, 0.02^2) weights quantized to Q4_K by lib/Format (bit-identical to ggml's
quantize_row_q4_K_ref) and stored in a GGUF written by lib/Format; plus the
input x and a float64 reference of y computed by numpy from the dequantized
weights (lib/Format's dequantize, bit-identical to ggml's).

usage: make_model.py OUT_DIR
"""
import os
import sys

import numpy as np
import quant4

HIDDEN, FFN = 1024, 4096


def main() -> int:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261124)
    up = (rng.standard_normal((FFN, HIDDEN)) * 0.02).astype(np.float32)
    down = (rng.standard_normal((HIDDEN, FFN)) * 0.02).astype(np.float32)
    x = rng.standard_normal((1, HIDDEN)).astype(np.float32)

    q_up, q_down = quant4.quantize(up, "q4_k"), quant4.quantize(down, "q4_k")
    quant4.gguf.write(os.path.join(out, "mlp_q4k.gguf"),
                      {"blk.0.ffn_up.weight": q_up,
                       "blk.0.ffn_down.weight": q_down},
                      {"general.architecture": "llama",
                       "general.name": "quant4 demo MLP"})

    w_up = q_up.dequantize().astype(np.float64)
    w_down = q_down.dequantize().astype(np.float64)
    h = x.astype(np.float64) @ w_up.T
    y = (h / (1.0 + np.exp(-h))) @ w_down.T
    x.tofile(os.path.join(out, "x.f32"))
    y.tofile(os.path.join(out, "y_ref.f64"))
    print(f"wrote {out}/mlp_q4k.gguf: ffn_up {FFN}x{HIDDEN} and ffn_down "
          f"{HIDDEN}x{FFN} in Q4_K ({q_up.storage.nbytes + q_down.storage.nbytes} "
          f"bytes), input x and the float64 reference y")
    return 0


if __name__ == "__main__":
    sys.exit(main())
