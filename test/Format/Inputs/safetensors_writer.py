#!/usr/bin/python3
"""An independent safetensors writer (json + numpy, from the format
description in huggingface/safetensors; it shares no code with quant4).

usage: safetensors_writer.py OUT.safetensors EXPECTED.json [--no-u8]

--no-u8 leaves out the uint8 tensor (ggml has no uint8 type).

Follows the reference writer's conventions: tensors sorted by dtype
(descending, in the reference's dtype order) then name, stored contiguously;
compact JSON header with "__metadata__" first; header padded with spaces to a
multiple of 8. EXPECTED.json describes the file in the shape of
`q4-quant inspect --json`.
"""
import json
import struct
import sys

import numpy as np

# The reference's dtype order (the writer sorts by it, descending).
ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
         "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
         "F64", "I64", "U64"]


def bf16_bits(x):
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = u + 0x7FFF + ((u >> 16) & 1)
    return (u >> 16).astype(np.uint16)


def main(out_path, expected_path, *flags):
    rng = np.random.default_rng(99)
    metadata = {"format": "pt", "note": "written by numpy \u00e9 \"q\""}
    tensors = {
        "model.layers.0.mlp.up_proj.weight":
            ("F32", [8, 128], rng.standard_normal((8, 128)).astype(np.float32)),
        "model.layers.0.mlp.down_proj.weight":
            ("F16", [4, 256], rng.standard_normal((4, 256)).astype(np.float16)),
        "model.layers.0.self_attn.q_proj.weight":
            ("BF16", [2, 64], bf16_bits(rng.standard_normal((2, 64)))),
        "model.norm.weight":
            ("F32", [5], rng.standard_normal(5).astype(np.float32)),
        "model.odd.weight":
            ("F32", [3, 40], rng.standard_normal((3, 40)).astype(np.float32)),
        "model.position_ids":
            ("I64", [1, 6], np.arange(6, dtype=np.int64).reshape(1, 6)),
        "model.mask": ("U8", [3], np.array([1, 0, 1], dtype=np.uint8)),
    }
    if "--no-u8" in flags:
        del tensors["model.mask"]
    names = sorted(tensors, key=lambda n: (-ORDER.index(tensors[n][0]), n))
    header = {"__metadata__": dict(sorted(metadata.items()))}
    offset = 0
    infos = []
    for name in names:
        dtype, shape, array = tensors[name]
        nbytes = array.nbytes
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + nbytes]}
        infos.append({"name": name, "dtype": dtype, "shape": shape,
                      "bytes": nbytes, "data_offsets": [offset, offset + nbytes]})
        offset += nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False)
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(out_path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for name in names:
            f.write(np.ascontiguousarray(tensors[name][2]).tobytes())
    expected = {"format": "safetensors", "header_bytes": len(raw),
                "data_offset": 8 + len(raw), "metadata": metadata,
                "tensors": infos}
    with open(expected_path, "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
