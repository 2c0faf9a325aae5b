#!/usr/bin/env python3
"""Test helper for q4-run execution tests: raw golden files <-> .npy, and
comparisons that exit non-zero on a mismatch.

  q4npy.py raw OUT.npy --dtype f32|u8|f16 [--shape R,C] IN [IN ...]
      concatenate raw little-endian files (e.g. NF4 codes + absmax planes)
      into one array of `dtype` (byte planes: use u8)
  q4npy.py exact OUT(.npy or raw .f32) GOLDEN.f32
      bit-exact float32 comparison (every bit, including -0 and NaN payloads)
  q4npy.py matmul-ref OUT.npy X.npy W_DEQUANT.f32 N K
      y = x @ W^T in float64 from the golden dequantized weights
  q4npy.py close OUT REF REL_TOL [--first N]
      max |out - ref| <= REL_TOL * max |ref| (files: .npy, raw .f32/.f64);
      --first N compares with the first N reference values only
  q4npy.py random OUT.npy SHAPE SEED [--dtype f32|f16]
      N(0,1) activations from a fixed seed
  q4npy.py quantize-ir OUT.mlir INPUT.f32 ROWS COLS FORMAT BYTES [RULE]
      a module whose @quantize returns the storage bytes of
      `quant4.quantize` applied to the golden input as a dense constant
  q4npy.py bytes-equal OUT.npy GOLDEN [GOLDEN ...]
      the bytes equal the concatenated golden files
  q4npy.py q8k OUT.q8k X.npy
      every row of x as ggml block_q8_K (a float32 port of
      quantize_row_q8_K_ref, checked against the golden .q8k by the tests)
  q4npy.py q8k-matmul-ref OUT.npy X.npy W_DEQUANT.f32 N K
      y = dequant(Q8_K(x)) @ W^T in float64
  q4npy.py q8k-probe W.npy Y.npy X.q8k K
      Q4_K weights [K + K/32, K] that expose a Q8_K activation in y: row n
      < K has d = 1, all scales 1 and the single code 1 at k = n (y[n] =
      d_x * q_x[n]); row K + r has dmin = 1 and min 1 for sub-block r only
      (y = -d_x * sum of that sub-block's codes). Y: those values in float32.
"""
import sys

import numpy as np

DTYPES = {"f32": "<f4", "f16": "<f2", "u8": "u1", "f64": "<f8"}


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    suffix = path.rsplit(".", 1)[-1]
    return np.fromfile(path, dtype=DTYPES.get(suffix, "u1"))


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def cmd_raw(argv):
    out, dtype, shape, files = argv[0], "u8", None, []
    i = 1
    while i < len(argv):
        if argv[i] == "--dtype":
            dtype, i = argv[i + 1], i + 2
        elif argv[i] == "--shape":
            shape, i = [int(s) for s in argv[i + 1].split(",")], i + 2
        else:
            files.append(argv[i])
            i += 1
    data = b"".join(open(f, "rb").read() for f in files)
    array = np.frombuffer(data, dtype=DTYPES[dtype])
    if shape:
        array = array.reshape(shape)
    np.save(out, array)


def cmd_exact(argv):
    out = load(argv[0])
    golden = np.fromfile(argv[1], dtype="<f4")
    if out.dtype != np.float32:
        fail("dtype %s, expected float32" % out.dtype)
    a, b = out.reshape(-1).view("<u4"), golden.view("<u4")
    if a.size != b.size:
        fail("%d values, golden has %d" % (a.size, b.size))
    bad = np.nonzero(a != b)[0]
    if bad.size:
        i = bad[0]
        fail("%d of %d values differ; first at %d: %r (0x%08x) vs golden "
             "%r (0x%08x)" % (bad.size, a.size, i, out.reshape(-1)[i], a[i],
                              golden[i], b[i]))
    print("bit-exact: %d values" % a.size)


def cmd_matmul_ref(argv):
    out, x, w, n, k = argv[0], np.load(argv[1]), argv[2], int(argv[3]), int(argv[4])
    weights = np.fromfile(w, dtype="<f4").reshape(n, k).astype(np.float64)
    np.save(out, x.astype(np.float64) @ weights.T)


def cmd_close(argv):
    out, ref, tol = load(argv[0]).astype(np.float64), load(argv[1]), float(argv[2])
    ref = ref.astype(np.float64).reshape(-1)
    if len(argv) > 4 and argv[3] == "--first":
        ref = ref[:int(argv[4])]
    out = out.reshape(-1)
    if out.size != ref.size:
        fail("%d values, reference has %d" % (out.size, ref.size))
    if not np.all(np.isfinite(out)):
        fail("non-finite output")
    err = np.max(np.abs(out - ref))
    scale = np.max(np.abs(ref))
    print("max abs err %.3e, max |ref| %.3e, relative %.3e (tolerance %.1e)"
          % (err, scale, err / scale, tol))
    if err > tol * scale:
        fail("error above tolerance")


def cmd_random(argv):
    out, shape, seed = argv[0], [int(s) for s in argv[1].split(",")], int(argv[2])
    dtype = "f32"
    if len(argv) > 4 and argv[3] == "--dtype":
        dtype = argv[4]
    x = np.random.default_rng(seed).standard_normal(shape)
    np.save(out, x.astype(DTYPES[dtype]))


def cmd_quantize_ir(argv):
    out, values = argv[0], np.fromfile(argv[1], dtype="<f4")
    rows, cols, fmt, nbytes = int(argv[2]), int(argv[3]), argv[4], int(argv[5])
    rule = " rule " + argv[6] if len(argv) > 6 else ""
    # Hexadecimal dense literal: exact float32 bits, little-endian.
    data = "0x" + values.astype("<f4").tobytes().hex().upper()
    shape, blocked = "%dx%d" % (rows, cols), "!quant4.blocked<%dx%d, %s>" % (rows, cols, fmt)
    with open(out, "w") as f:
        f.write('func.func @quantize() -> tensor<%dxui8> {\n' % nbytes)
        f.write('  %%x = arith.constant dense<"%s"> : tensor<%sxf32>\n' % (data, shape))
        f.write('  %%w = quant4.quantize %%x%s : tensor<%sxf32> -> %s\n' % (rule, shape, blocked))
        f.write('  %%b = quant4.to_bytes %%w : %s -> tensor<%dxui8>\n' % (blocked, nbytes))
        f.write('  return %%b : tensor<%dxui8>\n}\n' % nbytes)


def cmd_bytes_equal(argv):
    out = np.load(argv[0]).reshape(-1).view("u1")
    golden = np.frombuffer(b"".join(open(f, "rb").read() for f in argv[1:]), dtype="u1")
    if out.size != golden.size:
        fail("%d bytes, golden has %d" % (out.size, golden.size))
    bad = np.nonzero(out != golden)[0]
    if bad.size:
        fail("%d of %d bytes differ; first at %d: 0x%02x vs golden 0x%02x"
             % (bad.size, out.size, bad[0], out[bad[0]], golden[bad[0]]))
    print("byte-exact: %d bytes" % out.size)


QK_K = 256
Q8K_BYTES = 4 + QK_K + 32
Q4K_BYTES = 144


def quantize_q8k(row):
    """quantize_row_q8_K_ref on one row of float32 values."""
    out = bytearray()
    for x in row.astype(np.float32).reshape(-1, QK_K):
        ax = np.abs(x)
        i = int(np.argmax(ax))  # the first of equal maxima, as ggml's scan
        if ax[i] == 0:
            out += bytes(Q8K_BYTES)
            continue
        iscale = np.float32(-127.0) / x[i]
        v = (iscale * x).astype(np.float32) + np.float32(12582912.0)
        q = (v.view("<i4") & 0x007FFFFF) - 0x00400000
        q = np.minimum(q, 127).astype(np.int8)
        sums = q.astype(np.int32).reshape(16, 16).sum(axis=1).astype("<i2")
        d = np.float32(1.0) / iscale
        out += np.array([d], "<f4").tobytes() + q.tobytes() + sums.tobytes()
    return bytes(out)


def q8k_blocks(data):
    """(d [B] float32, q [B, 256] int8) of a block_q8_K byte string."""
    blocks = np.frombuffer(data, dtype="u1").reshape(-1, Q8K_BYTES)
    d = blocks[:, :4].copy().view("<f4").reshape(-1)
    q = blocks[:, 4:4 + QK_K].copy().view("i1")
    return d, q


def cmd_q8k(argv):
    x = np.load(argv[1])
    with open(argv[0], "wb") as f:
        for row in x.reshape(-1, x.shape[-1]):
            f.write(quantize_q8k(row))


def cmd_q8k_matmul_ref(argv):
    x, n, k = np.load(argv[1]), int(argv[3]), int(argv[4])
    weights = np.fromfile(argv[2], dtype="<f4").reshape(n, k).astype(np.float64)
    rows = []
    for row in x.reshape(-1, k):
        d, q = q8k_blocks(quantize_q8k(row))
        rows.append((d[:, None] * q.astype(np.float32)).astype(np.float32))
    xq = np.stack(rows).reshape(x.shape).astype(np.float64)
    np.save(argv[0], xq @ weights.T)


def cmd_q8k_probe(argv):
    wout, yout, k = argv[0], argv[1], int(argv[3])
    d, q = q8k_blocks(open(argv[2], "rb").read())
    nb = k // QK_K
    blocks = np.zeros((k + k // 32, nb, Q4K_BYTES), dtype="u1")
    # Rows < K: d = 1.0 (fp16 0x3c00), dmin = 0, sc_j = 1, code 1 at k = n.
    for n in range(k):
        block, e = blocks[n, n // QK_K], n % QK_K
        block[0:2] = (0x00, 0x3C)
        block[4:8] = 1
        block[12:16] = 1
        c, h, l = e // 64, (e % 64) // 32, e % 32
        block[16 + 32 * c + l] = 1 << (4 * h)
    # Rows K + r: d = 0, dmin = 1.0, m_j = 1 for sub-block j = r % 8 only.
    for r in range(k // 32):
        block, j = blocks[k + r, r // 8], r % 8
        block[2:4] = (0x00, 0x3C)
        if j < 4:
            block[8 + j] = 1
        else:
            block[12 + j - 4] = 1 << 4
    np.save(wout, blocks.reshape(-1))
    y = (np.repeat(d, QK_K) * q.reshape(-1).astype(np.float32)).astype(np.float32)
    sums = q.reshape(-1, 32).astype(np.int32).sum(axis=1).astype(np.float32)
    ymin = -(np.repeat(d, 8) * sums).astype(np.float32)
    np.save(yout, np.concatenate([y, ymin]).reshape(1, -1))


COMMANDS = {"q8k": cmd_q8k, "q8k-matmul-ref": cmd_q8k_matmul_ref,
            "q8k-probe": cmd_q8k_probe, "raw": cmd_raw, "exact": cmd_exact, "matmul-ref": cmd_matmul_ref,
            "close": cmd_close, "random": cmd_random,
            "quantize-ir": cmd_quantize_ir, "bytes-equal": cmd_bytes_equal}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
