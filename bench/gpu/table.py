#!/usr/bin/env python3
"""Merges the RESULT lines of q4-gpu-bench and torch_baselines.py into one
markdown table: per (N, K, M) the median time in microseconds (min-max) of
each quant4 format, cuBLAS bf16 and tinygemm int4, and the best quant4
kernel's effective bandwidth against the measured device-to-device copy, and
its speed relative to cuBLAS bf16 (cuBLAS time / best quant4 time)."""
import sys
from collections import defaultdict

COLUMNS = ["quant4_q4k", "quant4_nf4", "quant4_nf4dq", "quant4_mxfp4",
           "quant4_mxfp4hf",
           "quant4_q4kq8", "quant4_q4kh", "cublas_bf16", "tinygemm_int4"]


def main(paths):
    results = defaultdict(dict)
    d2d = None
    for path in paths:
        for line in open(path):
            if not line.startswith("RESULT "):
                continue
            _, kind, n, k, m, med, lo, hi, *note = line.split()
            note = note[0] if note else ""
            if kind == "d2d":
                d2d = (float(med), note)
                continue
            results[(int(n), int(k), int(m))][kind] = (
                float(med), float(lo), float(hi), note)
    if d2d:
        print(f"device-to-device copy of 1 GiB: {d2d[0]:.0f} us, {d2d[1]}\n")
    print("| N x K | M | " + " | ".join(COLUMNS) +
          " | best quant4 GB/s | vs cuBLAS | checks |")
    print("|---" * (len(COLUMNS) + 5) + "|")
    for (n, k, m), row in sorted(results.items()):
        cells, best, checks, fastest = [], 0.0, [], None
        for c in COLUMNS:
            if c not in row:
                cells.append("-")
                continue
            med, lo, hi, note = row[c]
            cells.append(f"{med:.1f} ({lo:.1f}-{hi:.1f})")
            if c.startswith("quant4"):
                fastest = med if fastest is None else min(fastest, med)
                parts = note.split(",")
                checks.append(parts[1] if len(parts) > 1 else "?")
                gbps = [p for p in parts if p.endswith("GB/s")]
                if gbps:
                    best = max(best, float(gbps[0][:-4]))
        ratio = ("-" if fastest is None or "cublas_bf16" not in row else
                 f"{100 * row['cublas_bf16'][0] / fastest:.0f} %")
        print(f"| {n}x{k} | {m} | " + " | ".join(cells) +
              f" | {best:.0f} | {ratio} | {'/'.join(checks)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
