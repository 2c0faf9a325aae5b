#!/usr/bin/python3
"""An independent safetensors reader (json + numpy; shares no code with
quant4). Validates the layout, prints the file in the shape of
`q4-quant inspect --json`, and, given the SOURCE file the model was converted
from, dequantizes every bitsandbytes NF4 and gpt-oss MXFP4 group and checks it
against the source's float weights.

usage: safetensors_reader.py FILE.safetensors [SOURCE.safetensors]
"""
import json
import struct
import sys

import numpy as np

NP = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "U8": np.uint8,
      "I8": np.int8, "I16": np.int16, "I32": np.int32, "I64": np.int64,
      "BF16": np.uint16}
E2M1 = np.array([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2, -3, -4, -6],
                dtype=np.float32)


def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    arrays, infos, end = {}, [], 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, e = info["data_offsets"]
        assert b == end, f"{name}: gap or overlap at {b}"
        dt = np.dtype(NP[info["dtype"]]).newbyteorder("<")
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert e - b == count * dt.itemsize, f"{name}: size"
        a = np.frombuffer(data[b:e], dtype=dt).reshape(info["shape"])
        if info["dtype"] == "BF16":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        arrays[name] = a
        end = e
    assert end == len(data), "data not fully covered"
    for name, info in header.items():  # header order
        b, e = info["data_offsets"]
        infos.append({"name": name, "dtype": info["dtype"],
                      "shape": info["shape"], "bytes": e - b,
                      "data_offsets": [b, e]})
    return metadata, infos, arrays, n


def dequant_nf4(arrays, base):
    state = json.loads(arrays[base + ".quant_state.bitsandbytes__nf4"].tobytes())
    assert state["quant_type"] == "nf4"
    bs, shape = state["blocksize"], state["shape"]
    n = int(np.prod(shape))
    packed = arrays[base].reshape(-1)
    codes = np.empty(packed.size * 2, dtype=np.uint8)
    codes[0::2] = packed >> 4  # first element in the high nibble
    codes[1::2] = packed & 15
    codes = codes[:n]
    if "nested_blocksize" in state:
        q = arrays[base + ".absmax"].reshape(-1)
        absmax2 = arrays[base + ".nested_absmax"].reshape(-1)
        qmap = arrays[base + ".nested_quant_map"].reshape(-1)
        nb = state["nested_blocksize"]
        idx = np.arange(q.size) // nb
        absmax = qmap[q] * absmax2[idx] + np.float32(state["nested_offset"])
    else:
        absmax = arrays[base + ".absmax"].reshape(-1)
    table = arrays[base + ".quant_map"].reshape(-1)
    y = table[codes] * np.repeat(absmax, bs)[:n]
    return y.reshape(shape)


def dequant_mxfp4(arrays, base):
    blocks = arrays[base + ".blocks"]
    scales = arrays[base + ".scales"]
    lo, hi = blocks & 15, blocks >> 4
    codes = np.stack([lo, hi], axis=-1).reshape(*blocks.shape[:-1], 32)
    scale = np.exp2(scales.astype(np.float32) - 127)[..., None]
    y = E2M1[codes] * scale
    return y.reshape(*blocks.shape[:-2], blocks.shape[-2] * 32)


def main(path, source=None):
    metadata, infos, arrays, n = load(path)
    print(json.dumps({"format": "safetensors", "header_bytes": n,
                      "data_offset": 8 + n, "metadata": metadata,
                      "tensors": infos}, ensure_ascii=False))
    if not source:
        return 0
    _, _, src, _ = load(source)
    checked = 0
    for name in arrays:
        if name.endswith(".quant_state.bitsandbytes__nf4"):
            base = name[: -len(".quant_state.bitsandbytes__nf4")]
            y = dequant_nf4(arrays, base)
        elif name.endswith(".blocks"):
            base = name[: -len(".blocks")]
            y = dequant_mxfp4(arrays, base)
        else:
            continue
        x = src[base].astype(np.float32)
        assert y.shape == x.shape, f"{base}: shape {y.shape} vs {x.shape}"
        rel = float(np.sqrt(np.mean((y - x) ** 2)) / np.sqrt(np.mean(x ** 2)))
        print(f"{base}: relative rmse {rel:.4f}", file=sys.stderr)
        assert rel < 0.2, f"{base}: dequantized values far from the source"
        checked += 1
    print(f"checked {checked} quantized tensors", file=sys.stderr)
    return 0 if checked else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
