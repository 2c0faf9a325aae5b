#!/usr/bin/env python3
"""Quantizes one float32 matrix three ways (Q4_K, NF4, MXFP4) with the quant4
Python package and prints each format's size and error.

    PYTHONPATH=build/python /usr/bin/python3 examples/python_formats.py
"""

from __future__ import annotations

import argparse

import numpy as np

import quant4

FORMATS = [
    ("q4_k", {}),
    ("nf4", {"block_size": 64}),
    ("nf4", {"block_size": 64, "double_quant": True}),
    ("mxfp4", {"rule": "ocp"}),
    ("mxfp4", {"rule": "optimal"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=256)
    parser.add_argument("--cols", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    weights = (0.02 * rng.standard_normal((args.rows, args.cols))).astype(
        np.float32)
    print(f"matrix {args.rows}x{args.cols} float32, N(0, 0.02^2), "
          f"rms {np.sqrt(np.mean(weights.astype(np.float64) ** 2)):.6f}")
    print(f"{'format':<32} {'bits/w':>7} {'RMSE':>10} {'max abs':>10}")
    for name, options in FORMATS:
        q = quant4.quantize(weights, name, **options)
        error = q.dequantize().astype(np.float64) - weights
        rmse = np.sqrt(np.mean(error ** 2))
        label = q.spec.describe()
        if name == "mxfp4":
            label += f" rule={options['rule']}"
        print(f"{label:<32} {q.bits_per_weight:>7.3f} "
              f"{rmse:>10.6f} {np.abs(error).max():>10.6f}")


if __name__ == "__main__":
    main()
