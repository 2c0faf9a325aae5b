#!/usr/bin/python3
"""An independent GGUF v3 writer (numpy + struct, written from the spec in
ggml-org/ggml docs/gguf.md; it shares no code with quant4).

usage: gguf_writer.py OUT.gguf EXPECTED.json

Writes a small model with every metadata value type (incl. nested arrays) and
tensors of several ggml types, laid out as ggml's gguf writer does (key/values
and tensor infos in order, each tensor's data padded to general.alignment with
zeros, data section aligned). EXPECTED.json records what was written in the
shape of `q4-quant inspect --json`, so a reader can be checked against it.
"""
import json
import struct
import sys

import numpy as np

ALIGN = 32
# gguf_type ids and struct formats.
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i",
          F32: "<f", BOOL: "<?", U64: "<Q", I64: "<q", F64: "<d"}
NAMES = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr",
         "u64", "i64", "f64"]
# ggml types: id, name, block size, bytes per block.
GGML = {"f32": (0, 1, 4), "f16": (1, 1, 2), "q4_0": (2, 32, 18),
        "q8_0": (8, 32, 34), "q4_K": (12, 256, 144), "i32": (26, 1, 4),
        "bf16": (30, 1, 2), "mxfp4": (39, 32, 17)}


def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def encode_value(vtype, value, subtype=None):
    if vtype == STR:
        return gguf_string(value)
    if vtype == ARR:
        out = struct.pack("<IQ", subtype[0], len(value))
        for v in value:
            out += encode_value(subtype[0], v, subtype[1:] or None)
        return out
    return struct.pack(SCALAR[vtype], value)


def json_value(vtype, value):
    if vtype == F32:
        return float(np.float32(value))
    return value


def bf16_bits(x):
    """float32 -> bfloat16 bits, round to nearest even."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = u + 0x7FFF + ((u >> 16) & 1)
    return (u >> 16).astype(np.uint16)


def main(out_path, expected_path):
    rng = np.random.default_rng(1234)
    metadata = [
        ("general.architecture", STR, "llama", None),
        ("general.name", STR, "tiny \u00e9 \"quoted\"", None),
        ("general.alignment", U32, ALIGN, None),
        ("t.u8", U8, 250, None),
        ("t.i8", I8, -120, None),
        ("t.u16", U16, 65000, None),
        ("t.i16", I16, -32000, None),
        ("t.u32", U32, 4000000000, None),
        ("t.i32", I32, -2000000000, None),
        ("t.u64", U64, 18446744073709551615, None),
        ("t.i64", I64, -9223372036854775808, None),
        ("t.f32", F32, 0.1, None),
        ("t.f64", F64, 3.141592653589793, None),
        ("t.bool", BOOL, True, None),
        ("t.arr_i32", ARR, [1, -2, 3], (I32,)),
        ("t.arr_f32", ARR, [0.5, -1.25], (F32,)),
        ("t.arr_str", ARR, ["a", "", "\u00fc"], (STR,)),
        ("t.arr_bool", ARR, [True, False], (BOOL,)),
        ("t.arr_nested", ARR, [[1, 2], [3]], (ARR, U16)),
        ("t.arr_empty", ARR, [], (U64,)),
    ]
    # Row-major [rows, cols] tensors; ggml dims are [cols, rows].
    f32 = rng.standard_normal((4, 256)).astype(np.float32)
    f16 = rng.standard_normal((2, 512)).astype(np.float16)
    bf16 = bf16_bits(rng.standard_normal((3, 256)))
    tensors = [
        ("blk.0.attn_q.weight", "f32", [4, 256], f32.tobytes()),
        ("blk.0.ffn_up.weight", "f16", [2, 512], f16.tobytes()),
        ("blk.0.ffn_down.weight", "bf16", [3, 256], bf16.tobytes()),
        ("output_norm.weight", "f32", [7], rng.standard_normal(7).astype(np.float32).tobytes()),
        ("positions", "i32", [5], np.arange(5, dtype=np.int32).tobytes()),
        ("tok_embd.q8_0", "q8_0", [2, 64], rng.integers(0, 256, 2 * 2 * 34, dtype=np.uint8).tobytes()),
        ("blk.1.q4_0", "q4_0", [32], rng.integers(0, 256, 18, dtype=np.uint8).tobytes()),
        ("blk.1.q4_k", "q4_K", [2, 256], rng.integers(0, 256, 2 * 144, dtype=np.uint8).tobytes()),
        ("blk.1.mxfp4", "mxfp4", [1, 64], rng.integers(0, 256, 2 * 17, dtype=np.uint8).tobytes()),
    ]

    out = struct.pack("<IIQQ", 0x46554747, 3, len(tensors), len(metadata))
    for key, vtype, value, subtype in metadata:
        out += gguf_string(key) + struct.pack("<I", vtype)
        out += encode_value(vtype, value, subtype)
    offset = 0
    infos = []
    for name, tname, shape, data in tensors:
        tid, block, block_bytes = GGML[tname]
        ne = list(reversed(shape))
        assert ne[0] % block == 0
        nbytes = int(np.prod(ne)) // block * block_bytes
        assert nbytes == len(data), name
        out += gguf_string(name) + struct.pack("<I", len(ne))
        out += b"".join(struct.pack("<Q", d) for d in ne)
        out += struct.pack("<IQ", tid, offset)
        infos.append({"name": name, "type": tname, "type_id": tid, "ne": ne,
                      "shape": shape, "bytes": nbytes, "offset": offset})
        offset += (nbytes + ALIGN - 1) // ALIGN * ALIGN
    out += b"\0" * (-len(out) % ALIGN)
    data_offset = len(out)
    for _, _, _, data in tensors:
        out += data + b"\0" * (-len(data) % ALIGN)
    with open(out_path, "wb") as f:
        f.write(out)

    def meta_json(key, vtype, value, subtype):
        entry = {"key": key, "type": NAMES[vtype]}
        if vtype == ARR:
            entry["element_type"] = NAMES[subtype[0]]
            inner = subtype[0]
            entry["value"] = [json_value(inner, v) for v in value] \
                if inner != ARR else value
        else:
            entry["value"] = json_value(vtype, value)
        return entry

    expected = {"format": "gguf", "version": 3, "alignment": ALIGN,
                "data_offset": data_offset,
                "metadata": [meta_json(*m) for m in metadata],
                "tensors": infos}
    with open(expected_path, "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
