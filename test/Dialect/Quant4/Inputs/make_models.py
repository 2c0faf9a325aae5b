#!/usr/bin/env python3
"""Writes small model files for the import-weights tests WITHOUT quant4 code:
a GGUF v3 file (written from the spec, ggml-org/ggml docs/gguf.md) and a
safetensors file (8-byte header length + JSON + data) holding golden bytes made
by ggml and bitsandbytes.

usage: make_models.py GOLDEN_DIR OUT_DIR
"""
import json
import os
import struct
import sys

import numpy as np

GGML_F32, GGML_Q4_K, GGML_Q6_K = 0, 12, 14
GGUF_TYPE_STRING = 8


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def write_gguf(path, tensors, alignment=32):
    """tensors: list of (name, ggml_type, ne (innermost first), bytes)."""
    out = bytearray(b"GGUF")
    out += struct.pack("<IQQ", 3, len(tensors), 1)
    out += gguf_string("general.architecture")
    out += struct.pack("<I", GGUF_TYPE_STRING) + gguf_string("llama")
    offset = 0
    offsets = []
    for name, ggml_type, ne, data in tensors:
        offsets.append(offset)
        out += gguf_string(name) + struct.pack("<I", len(ne))
        out += struct.pack(f"<{len(ne)}Q", *ne)
        out += struct.pack("<IQ", ggml_type, offset)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for (_, _, _, data), start in zip(tensors, offsets):
        out += data + b"\0" * (-len(data) % alignment)
    with open(path, "wb") as f:
        f.write(out)


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype string, shape, bytes)."""
    header, data = {}, bytearray()
    for name, dtype, shape, blob in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def read(golden, rel):
    with open(os.path.join(golden, rel), "rb") as f:
        return f.read()


def main():
    golden, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    norm = np.arange(4096, dtype=np.float32) / 4096
    with open(os.path.join(out, "bad.safetensors"), "wb") as f:
        f.write(b"\x10\0\0\0\0\0\0\0not json at all!")
    write_gguf(os.path.join(out, "model.gguf"), [
        ("blk.0.ffn_down.weight", GGML_Q4_K, [4096, 64],
         read(golden, "q4k/q4k_gauss_64x4096.q4k")),
        ("output_norm.weight", GGML_F32, [4096], norm.tobytes()),
        ("blk.0.ffn_gate.weight", GGML_Q6_K, [256, 1], bytes(210)),
    ])
    state = json.dumps({"quant_type": "nf4", "blocksize": 64,
                        "dtype": "float32", "shape": [64, 4096]}).encode()
    bf16_norm = (norm.view(np.uint32) >> 16).astype(np.uint16)
    write_safetensors(os.path.join(out, "model.safetensors"), [
        ("mlp.up_proj.weight", "U8", [64 * 4096 // 2, 1],
         read(golden, "nf4/nf4_gauss_64x4096.nf4.u8")),
        ("mlp.up_proj.weight.absmax", "F32", [64 * 4096 // 64],
         read(golden, "nf4/nf4_gauss_64x4096.absmax.f32")),
        ("mlp.up_proj.weight.quant_map", "F32", [16],
         read(golden, "nf4/nf4_codebook.f32")),
        ("mlp.up_proj.weight.quant_state.bitsandbytes__nf4", "U8",
         [len(state)], state),
        ("mlp.experts.down_proj_blocks", "U8", [64, 128, 16],
         read(golden, "mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_blocks.u8")),
        ("mlp.experts.down_proj_scales", "U8", [64, 128],
         read(golden, "mxfp4/mxfp4_gauss_64x4096.ocp_rne.hf_scales.u8")),
        ("norm.weight", "BF16", [4096], bf16_norm.tobytes()),
    ])


if __name__ == "__main__":
    main()
