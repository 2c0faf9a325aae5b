#!/usr/bin/env python3
"""Writes broken variants of make_models.py's model.gguf for the load-time
weight tests, each in its own directory under OUT_DIR, all naming (or
failing to name) blk.0.ffn_down.weight, a 64x4096 Q4_K tensor:

  missing-tensor/  the tensor is called blk.1.ffn_down.weight
  wrong-type/      a 64x4096 Q4_0 tensor
  wrong-shape/     a 32x4096 Q4_K tensor
  truncated/       the good file without its last 4096 bytes

usage: make_bad_models.py GOLDEN_DIR GOOD_GGUF OUT_DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "Dialect", "Quant4", "Inputs"))
from make_models import GGML_Q4_K, read, write_gguf  # noqa: E402

GGML_Q4_0 = 2


def main():
    golden, good, out = sys.argv[1:4]
    q4k = read(golden, "q4k/q4k_gauss_64x4096.q4k")
    variants = {
        "missing-tensor": ("blk.1.ffn_down.weight", GGML_Q4_K, [4096, 64], q4k),
        "wrong-type": ("blk.0.ffn_down.weight", GGML_Q4_0, [4096, 64],
                       bytes(64 * 4096 // 32 * 18)),
        "wrong-shape": ("blk.0.ffn_down.weight", GGML_Q4_K, [4096, 32],
                        q4k[:len(q4k) // 2]),
    }
    for name, tensor in variants.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        write_gguf(os.path.join(out, name, "model.gguf"), [tensor])
    os.makedirs(os.path.join(out, "truncated"), exist_ok=True)
    with open(good, "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated", "model.gguf"), "wb") as f:
        f.write(data[:-4096])


if __name__ == "__main__":
    main()
