"""quant4.gguf: round trips of golden blocks, metadata types, zero-copy views,
malformed files."""

from __future__ import annotations

import numpy as np
import pytest

import quant4
from quant4 import gguf
from conftest import load, same_bits


@pytest.fixture()
def golden_tensors():
    q4k = quant4.QuantizedTensor.from_storage(
        load("q4k", "q4k_gauss_64x4096.q4k", "u1"), (64, 4096), "q4_k")
    mx = quant4.QuantizedTensor.from_storage(
        load("mxfp4", "mxfp4_gauss_4096.ggml.mxfp4", "u1"), (1, 4096), "mxfp4")
    return {
        "blk.0.ffn_up.weight": q4k,
        "blk.0.ffn_gate.weight": mx,
        "token_embd.weight": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
        "norm.f16": np.linspace(-1, 1, 8, dtype=np.float16),
        "positions": np.arange(5, dtype=np.int32),
    }


def test_round_trip_keeps_golden_bytes_and_values(tmp_path, golden_tensors):
    path = tmp_path / "model.gguf"
    gguf.write(path, golden_tensors, {
        "general.architecture": "llama",
        "llama.context_length": 4096,
        "general.file_type": gguf.Value("i32", 15),
        "llama.rope.freq_base": 10000.0,
        "tokenizer.ggml.tokens": ["<s>", "</s>", "héllo"],
        "tokenizer.ggml.scores": np.array([0.5, -1.25, 3.0], np.float32),
        "flag": True,
        "nested": [[1, 2], ["a"]],
    })
    f = gguf.read(path)
    assert f.version == 3 and f.alignment == 32
    assert f.metadata["general.architecture"] == "llama"
    assert f.metadata_types["llama.context_length"] == "u32"
    assert f.metadata["llama.context_length"] == 4096
    assert f.metadata_types["general.file_type"] == "i32"
    assert f.metadata["llama.rope.freq_base"] == 10000.0
    assert f.metadata["tokenizer.ggml.tokens"] == ["<s>", "</s>", "héllo"]
    assert f.metadata_types["tokenizer.ggml.scores"] == "arr[f32]"
    assert np.array_equal(f.metadata["tokenizer.ggml.scores"],
                          [0.5, -1.25, 3.0])
    assert f.metadata["flag"] is True
    assert f.metadata_types["nested"] == "arr[arr]"
    assert list(f.tensors) == list(golden_tensors)
    assert f.tensor_types["blk.0.ffn_up.weight"] == "q4_K"

    q = f.tensors["blk.0.ffn_up.weight"]
    assert isinstance(q, quant4.QuantizedTensor)
    assert q.format == "q4_k" and q.shape == (64, 4096)
    assert np.array_equal(q.storage,
                          golden_tensors["blk.0.ffn_up.weight"].storage)
    assert same_bits(q.dequantize(),
                     load("q4k", "q4k_gauss_64x4096.dequant.f32", "<f4"))
    mx = f.tensors["blk.0.ffn_gate.weight"]
    assert mx.format == "mxfp4" and mx.options["layout"] == "ggml"
    assert same_bits(mx.dequantize(),
                     load("mxfp4", "mxfp4_gauss_4096.ggml.dequant.f32", "<f4"))
    for name in ("token_embd.weight", "norm.f16", "positions"):
        got, want = f.tensors[name], golden_tensors[name]
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want)


def test_views_are_zero_copy_and_read_only(tmp_path, golden_tensors):
    path = tmp_path / "model.gguf"
    gguf.write(path, golden_tensors)
    f = gguf.read(path)
    storage = f.tensors["blk.0.ffn_up.weight"].storage
    embd = f.tensors["token_embd.weight"]
    for view in (storage, embd):
        assert not view.flags.owndata and not view.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        embd[0, 0, 0] = 1.0
    # Both views share one mapping, in file order and 32-byte aligned.
    base = f.tensors["blk.0.ffn_up.weight"].storage.ctypes.data
    assert base % 32 == 0 or embd.ctypes.data % 32 == 0
    del f
    assert embd[1, 2, 3] == 23.0  # the mapping outlives the GGUFFile


def test_typed_metadata_round_trips(tmp_path):
    first = tmp_path / "a.gguf"
    second = tmp_path / "b.gguf"
    gguf.write(first, {"w": np.ones(4, np.float32)},
               {"a": gguf.Value("u8", 7), "b": gguf.Value("f64", 0.1),
                "c": gguf.Value("arr[i16]", np.array([-1, 2], np.int16))})
    f = gguf.read(first)
    gguf.write(second, f.tensors, f.typed_metadata())
    g = gguf.read(second)
    assert g.metadata_types == {"a": "u8", "b": "f64", "c": "arr[i16]"}
    assert first.read_bytes() == second.read_bytes()


def test_unsupported_tensors_are_rejected(tmp_path):
    nf4 = quant4.quantize(np.ones(64, np.float32), "nf4")
    with pytest.raises(ValueError, match="GGUF has no type for nf4"):
        gguf.write(tmp_path / "x.gguf", {"w": nf4})
    with pytest.raises(TypeError, match="complex64"):
        gguf.write(tmp_path / "x.gguf", {"w": np.ones(4, np.complex64)})


def test_malformed_files_raise_format_error(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGML" + bytes(60))
    with pytest.raises(quant4.FormatError, match="bad magic"):
        gguf.read(bad)
    good = tmp_path / "good.gguf"
    gguf.write(good, {"w": np.ones(64, np.float32)}, {"k": "v"})
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(good.read_bytes()[:40])
    with pytest.raises(quant4.FormatError, match="truncated.gguf: GGUF: "):
        gguf.read(truncated)
    with pytest.raises(FileNotFoundError):
        gguf.read(tmp_path / "missing.gguf")


def test_bf16_tensors_round_trip_as_bit_patterns(tmp_path):
    bits = np.array([0x3F80, 0xC000, 0x7F80, 0x0001], np.uint16)  # 1, -2, inf
    path = tmp_path / "bf16.gguf"
    gguf.write(path, {"w": bits.reshape(2, 2)})
    f = gguf.read(path)
    assert f.tensor_types["w"] == "bf16"
    assert np.array_equal(f.tensors["w"], bits.reshape(2, 2))
