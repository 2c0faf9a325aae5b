#!/usr/bin/env python3
"""Baselines for bench/gpu/run.sh on the same shapes as the quant4 kernels:
device-to-device copy bandwidth, torch's bf16 matmul (cuBLAS) on unquantized
weights and torch's tinygemm int4 kernel (aten._weight_int4pack_mm, group
size 128). Times with CUDA events (warm-up, median of many), weights rotated
over enough copies to exceed L2, each timed call queued behind a GPU spin
(torch.cuda._sleep) so that Python's and the host's submission time stays
out of the interval, as bench/gpu/Timing.h does for the quant4 kernels. Prints one line per measurement:
  RESULT <kind> <N> <K> <M> <median_us> <min_us> <max_us> <note>
"""
import os
import statistics
import sys

import torch

SHAPES = [(4096, 4096), (11008, 4096), (14336, 4096), (4096, 14336)]
# QUANT4_BENCH_MS (e.g. "64,2048") restricts the M values, as for run.sh.
MS = [int(m) for m in
      os.environ.get("QUANT4_BENCH_MS", "1,4,16,64,256,2048").split(",")]
L2_BYTES = 50 * 2**20
WARMUP, ITERS = 10, 100
# GPU clock cycles the stream spins before each timed call: ~100 us at the
# H100's 1.98 GHz boost clock, longer than a torch call's host overhead.
BUSY_CYCLES = 200_000


def copies_for(nbytes):
    return max(4, -(-4 * L2_BYTES // nbytes))


def time_rotating(fn, n_copies):
    """Median/min/max microseconds of fn(i) over ITERS runs, i rotating."""
    for i in range(WARMUP):
        fn(i % n_copies)
    torch.cuda.synchronize()
    times = []
    for i in range(ITERS):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        torch.cuda._sleep(BUSY_CYCLES)
        start.record()
        fn(i % n_copies)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    return statistics.median(times), min(times), max(times)


def report(kind, n, k, m, t, note=""):
    print(f"RESULT {kind} {n} {k} {m} {t[0]:.2f} {t[1]:.2f} {t[2]:.2f} {note}",
          flush=True)


def d2d():
    nbytes = 1 << 30
    src = torch.empty(nbytes, dtype=torch.uint8, device="cuda").random_(0, 255)
    dst = torch.empty_like(src)
    t = time_rotating(lambda i: dst.copy_(src), 1)
    gbps = 2 * nbytes / (t[0] * 1e-6) / 1e9
    report("d2d", 0, 0, 0, t, f"{gbps:.0f}GB/s(read+write)")


def bf16(n, k, m):
    n_copies = copies_for(n * k * 2)
    ws = [torch.randn(n, k, dtype=torch.bfloat16, device="cuda")
          for _ in range(n_copies)]
    x = torch.randn(m, k, dtype=torch.bfloat16, device="cuda")
    ref = x.double() @ ws[0].double().t()
    y = x @ ws[0].t()
    err = ((y.double() - ref).norm() / ref.norm()).item()
    t = time_rotating(lambda i: torch.matmul(x, ws[i].t()), n_copies)
    report("cublas_bf16", n, k, m, t, f"relerr={err:.1e}")


def tinygemm_weights(n, k, group=128):
    q = torch.randint(0, 16, (n, k), dtype=torch.int32, device="cuda")
    packed_u8 = ((q[:, ::2] << 4) | q[:, 1::2]).to(torch.uint8)
    w = torch.ops.aten._convert_weight_to_int4pack(packed_u8, 8)
    scales = (torch.rand(k // group, n, device="cuda") * 0.02 + 0.001)
    zeros = torch.randn(k // group, n, device="cuda") * 0.01
    sz = torch.stack([scales, zeros], dim=2).to(torch.bfloat16).contiguous()
    # tinygemm's dequantization: (q - 8) * scale + zero, per group of K.
    s = sz[..., 0].float().t().repeat_interleave(group, dim=1)
    z = sz[..., 1].float().t().repeat_interleave(group, dim=1)
    deq = (q.float() - 8) * s + z
    return w, sz, deq


def tinygemm(n, k, m, group=128):
    try:
        w0, sz0, deq = tinygemm_weights(n, k, group)
    except Exception as e:  # noqa: BLE001 - report any API mismatch clearly
        print(f"SKIP tinygemm {n} {k}: _convert_weight_to_int4pack failed: {e}",
              flush=True)
        return
    nbytes = n * k // 2
    n_copies = copies_for(nbytes)
    ws = [w0] + [w0.clone() for _ in range(n_copies - 1)]
    x = torch.randn(m, k, dtype=torch.bfloat16, device="cuda")
    try:
        y = torch.ops.aten._weight_int4pack_mm(x, w0, group, sz0)
    except Exception as e:  # noqa: BLE001
        print(f"SKIP tinygemm {n} {k} {m}: _weight_int4pack_mm failed: {e}",
              flush=True)
        return
    ref = x.double() @ deq.double().t()
    err = ((y.double() - ref).norm() / ref.norm()).item()
    t = time_rotating(
        lambda i: torch.ops.aten._weight_int4pack_mm(x, ws[i], group, sz0),
        n_copies)
    report("tinygemm_int4", n, k, m, t, f"relerr={err:.1e}")


def main():
    torch.manual_seed(0)
    print("torch", torch.__version__, torch.cuda.get_device_name(), flush=True)
    d2d()
    for n, k in SHAPES:
        for m in MS:
            bf16(n, k, m)
            tinygemm(n, k, m)
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
