"""quant4.safetensors: plain tensors as zero-copy views, bitsandbytes NF4 and
gpt-oss MXFP4 checkpoints as QuantizedTensors, round trips, malformed files."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import quant4
from quant4 import safetensors
from conftest import load, same_bits


def _nf4_state(shape, **extra):
    state = {"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16",
             "shape": list(shape), **extra}
    return np.frombuffer(json.dumps(state).encode(), np.uint8)


def test_plain_tensors_are_read_only_views(tmp_path):
    path = tmp_path / "plain.safetensors"
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
               "b": np.array([1, -2], np.int64),
               "c": np.ones((2, 2), np.float16)}
    safetensors.write(path, tensors, {"format": "pt"})
    f = safetensors.read(path)
    assert f.metadata == {"format": "pt"}
    for name, want in tensors.items():
        got = f.tensors[name]
        assert got.dtype == want.dtype and np.array_equal(got, want)
        assert not got.flags.writeable and not got.flags.owndata
    assert f.dtypes["a"] == "F32"


def test_bitsandbytes_layout_is_recognised(tmp_path):
    """A checkpoint laid out as bitsandbytes' Params4bit saves it."""
    case = "nf4_gauss_64x4096"
    codes = load("nf4", f"{case}.nf4.u8", "u1")
    absmax = load("nf4", f"{case}.absmax.f32", "<f4")
    path = tmp_path / "bnb.safetensors"
    safetensors.write(path, {
        "layer.weight": codes.reshape(-1, 1),
        "layer.weight.absmax": absmax,
        "layer.weight.quant_map": load("nf4", "nf4_codebook.f32", "<f4"),
        "layer.weight.quant_state.bitsandbytes__nf4": _nf4_state((64, 4096)),
        "layer.bias": np.zeros(64, np.float32),
    })
    f = safetensors.read(path)
    assert sorted(f.tensors) == ["layer.bias", "layer.weight"]
    q = f.tensors["layer.weight"]
    assert q.format == "nf4" and q.shape == (64, 4096)
    assert same_bits(q.dequantize(), load("nf4", f"{case}.dequant.f32", "<f4"))
    assert len(f.raw_tensors) == 5


def test_nested_nf4_round_trip(tmp_path):
    case = "nf4_gauss_4096"
    x = load("nf4", f"{case}.input.f32", "<f4").reshape(1, 4096)
    q = quant4.quantize(x, "nf4", double_quant=True)
    path = tmp_path / "nested.safetensors"
    safetensors.write(path, {"w": q})
    f = safetensors.read(path)
    assert {"w", "w.absmax", "w.nested_absmax", "w.nested_quant_map",
            "w.quant_map", "w.quant_state.bitsandbytes__nf4"} == \
        set(f.raw_tensors)
    back = f.tensors["w"]
    assert back.options == {"block_size": 64, "double_quant": True}
    assert np.array_equal(back.storage, q.storage)
    assert same_bits(back.dequantize(),
                     load("nf4", f"{case}.nested.dequant.f32", "<f4"))
    assert same_bits(f.raw_tensors["w.nested_quant_map"],
                     load("nf4", "dynamic_map_signed8.f32", "<f4"))


def test_odd_length_nf4_round_trip(tmp_path):
    case = "nf4_odd_1001"
    x = load("nf4", f"{case}.input.f32", "<f4")
    path = tmp_path / "odd.safetensors"
    safetensors.write(path, {"w": quant4.quantize(x, "nf4")})
    f = safetensors.read(path)
    assert f.raw_tensors["w"].shape == (501, 1)
    assert same_bits(f.tensors["w"].dequantize(),
                     load("nf4", f"{case}.dequant.f32", "<f4"))


def test_gpt_oss_mxfp4_round_trip(tmp_path):
    case = "mxfp4_gauss_64x4096"
    blocks = load("mxfp4", f"{case}.ocp_rne.hf_blocks.u8", "u1")
    scales = load("mxfp4", f"{case}.ocp_rne.hf_scales.u8", "u1")
    path = tmp_path / "gptoss.safetensors"
    safetensors.write(path, {
        "experts.down_proj_blocks": blocks.reshape(64, 128, 16),
        "experts.down_proj_scales": scales.reshape(64, 128)})
    f = safetensors.read(path)
    q = f.tensors["experts.down_proj"]
    assert q.format == "mxfp4" and q.shape == (64, 4096)
    want = load("mxfp4", f"{case}.ocp_rne.dequant.f32", "<f4")
    assert same_bits(q.dequantize(), want)
    again = tmp_path / "again.safetensors"
    safetensors.write(again, {"w": q})
    g = safetensors.read(again)
    assert g.raw_tensors["w.blocks"].shape == (64, 128, 16)
    assert same_bits(g.tensors["w"].dequantize(), want)


def test_unsupported_and_malformed(tmp_path):
    q4k = quant4.quantize(np.ones(256, np.float32), "q4_k")
    with pytest.raises(ValueError, match="no convention for q4_k"):
        safetensors.write(tmp_path / "x.safetensors", {"w": q4k})
    with pytest.raises(TypeError, match="metadata maps str to str"):
        safetensors.write(tmp_path / "x.safetensors", {}, {"n": 1})
    bad = tmp_path / "bad.safetensors"
    header = b'{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}'
    bad.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(quant4.FormatError, match="bad.safetensors"):
        safetensors.read(bad)
    group = tmp_path / "group.safetensors"
    safetensors.write(group, {
        "w": np.zeros((8, 1), np.uint8),
        "w.absmax": np.ones(3, np.float32),  # 16 values need 1 block
        "w.quant_state.bitsandbytes__nf4": _nf4_state((16,))})
    with pytest.raises(quant4.FormatError, match="w.absmax"):
        safetensors.read(group)


def test_dtypes_override_keeps_bf16(tmp_path):
    first = tmp_path / "a.safetensors"
    bits = np.array([0x3F80, 0x4000], np.uint16)
    safetensors.write(first, {"w": bits, "b": np.ones(2, np.float32)},
                      dtypes={"w": "BF16"})
    f = safetensors.read(first)
    assert f.dtypes == {"w": "BF16", "b": "F32"}
    second = tmp_path / "b.safetensors"
    safetensors.write(second, f.tensors, dtypes=f.dtypes)
    assert first.read_bytes() == second.read_bytes()
    with pytest.raises(quant4.FormatError):
        safetensors.write(second, {"w": bits}, dtypes={"w": "F32"})
