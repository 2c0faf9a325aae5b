"""quant4.quantize / QuantizedTensor: options, planes, dtypes, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

import quant4
from conftest import load, same_bits


def gauss(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(np.float32)


def test_planes_are_views_into_storage():
    q = quant4.quantize(gauss((4, 256)), "nf4")
    for name, plane in q.planes.items():
        assert np.shares_memory(plane, q.storage), name
    assert q.planes["codes"].shape == (16, 32)
    assert q.planes["absmax"].dtype == np.float32
    assert q.nbytes == 16 * 32 + 16 * 4
    assert q.bits_per_weight == pytest.approx(4.5)


def test_q4k_blocks_plane_is_144_bytes_per_block():
    q = quant4.quantize(gauss((2, 512)), "q4_k")
    assert q.planes["blocks"].shape == (4, 144)
    assert q.bits_per_weight == pytest.approx(4.5)
    with pytest.raises(AttributeError):
        q.absmax
    with pytest.raises(KeyError, match="no plane 'scales'"):
        q.plane("scales")


def test_mxfp4_ggml_scales_are_a_strided_view():
    q = quant4.quantize(gauss((1, 64)), "mxfp4")
    assert q.planes["blocks"].shape == (2, 17)
    assert np.shares_memory(q.scales, q.storage)
    assert q.options == {"layout": "ggml", "rule": "ocp"}


def test_optimal_rule_never_loses_to_ocp():
    """The 'optimal' rule picks s0 or 2*s0 by squared error: per block it is
    at least as good as OCP's s0, and strictly better somewhere."""
    x = load("mxfp4", "mxfp4_gauss_64x4096.input.f32", "<f4").reshape(64, 4096)
    err = {}
    for rule in ("ocp", "optimal"):
        y = quant4.quantize(x, "mxfp4", rule=rule, layout="hf").dequantize()
        err[rule] = ((y - x).astype(np.float64) ** 2).reshape(-1, 32).sum(1)
    assert np.all(err["optimal"] <= err["ocp"])
    assert np.any(err["optimal"] < err["ocp"])


def test_dequantize_dtypes():
    x = load("q4k", "q4k_gauss_4096.input.f32", "<f4")
    golden = load("q4k", "q4k_gauss_4096.dequant.f32", "<f4")
    q = quant4.quantize(x, "q4_k")
    assert np.array_equal(q.dequantize(np.float16), golden.astype(np.float16))
    assert q.dequantize("float64").dtype == np.float64
    bits = golden.view("<u4").astype(np.uint64)
    rne = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    assert np.array_equal(q.dequantize("bfloat16"), rne)
    assert same_bits(np.asarray(q), golden)
    with pytest.raises(TypeError, match="int32"):
        q.dequantize(np.int32)


def test_float16_and_float64_input_are_accepted():
    x = gauss((256,))
    for dtype in (np.float16, np.float64):
        values = x.astype(dtype)
        expected = quant4.quantize(values.astype(np.float32), "q4_k")
        assert np.array_equal(quant4.quantize(values, "q4_k").storage,
                              expected.storage)


def test_nf4_double_quant_and_block_sizes():
    x = gauss((8, 1024))
    plain = quant4.quantize(x, "nf4", block_size=256)
    nested = quant4.quantize(x, "nf4", block_size=256, double_quant=True)
    assert plain.planes["absmax"].size == 32
    assert nested.planes["qabsmax"].size == 32
    assert np.max(np.abs(nested.absmax - plain.absmax) / plain.absmax) < 0.01
    assert "double_quant" in nested.spec.describe()


@pytest.mark.parametrize("bad,exc,message", [
    ("q5_k", ValueError, "unknown format 'q5_k'"),
    (42, TypeError, "format must be a string"),
])
def test_unknown_format(bad, exc, message):
    with pytest.raises(exc, match=message):
        quant4.quantize(gauss((256,)), bad)


def test_wrong_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="floating-point.*int64"):
        quant4.quantize(np.arange(256), "q4_k")
    with pytest.raises(TypeError, match="bool"):
        quant4.quantize(np.ones(256, dtype=bool), "nf4")
    with pytest.raises(TypeError, match="QuantizedTensor"):
        quant4.dequantize(np.zeros(4, np.float32))


def test_wrong_shape_is_a_value_error():
    with pytest.raises(ValueError, match="last dimension of 100, not a "
                                         "multiple of 256"):
        quant4.quantize(gauss((4, 100)), "q4_k")
    with pytest.raises(ValueError, match="multiple of 32"):
        quant4.quantize(gauss((3, 48)), "mxfp4")
    with pytest.raises(ValueError, match="scalar"):
        quant4.quantize(np.float32(1), "nf4")
    with pytest.raises(ValueError, match="non-empty"):
        quant4.quantize(np.zeros((0, 256), np.float32), "q4_k")


def test_bad_options():
    x = gauss((256,))
    with pytest.raises(ValueError, match="NF4 block size 48"):
        quant4.quantize(x, "nf4", block_size=48)
    with pytest.raises(ValueError, match="unknown MXFP4 rule 'nearest'"):
        quant4.quantize(x, "mxfp4", rule="nearest")
    with pytest.raises(ValueError, match="unknown MXFP4 layout"):
        quant4.quantize(x, "mxfp4", layout="gptoss")
    with pytest.raises(TypeError, match="does not take option.*block_size"):
        quant4.quantize(x, "q4_k", block_size=64)


def test_storage_of_the_wrong_size():
    with pytest.raises(ValueError, match="takes 144 storage bytes, got 100"):
        quant4.QuantizedTensor.from_storage(np.zeros(100, np.uint8), (256,),
                                            "q4_k")
    with pytest.raises(TypeError, match="uint8"):
        quant4.QuantizedTensor.from_storage(np.zeros(36, np.float32), (256,),
                                            "q4_k")
    with pytest.raises(ValueError, match="missing \\['absmax'\\]"):
        quant4.QuantizedTensor.from_planes({"codes": np.zeros(32, np.uint8)},
                                           (64,), "nf4")


def test_format_error_is_a_value_error():
    assert issubclass(quant4.FormatError, ValueError)


def test_q4_0_and_q8_0_decode_as_ggml_specifies():
    """ggml: Q4_0 {fp16 d; u8 qs[16]}, element j low nibble and j+16 high
    nibble, y = (q - 8) * d; Q8_0 {fp16 d; i8 qs[32]}, y = q * d."""
    q4_0 = np.concatenate([np.array([0x00, 0x38], np.uint8),  # d = 0.5
                           np.full(16, 0x9A, np.uint8)])
    y = quant4.QuantizedTensor.from_storage(q4_0, (32,), "q4_0").dequantize()
    assert np.array_equal(y, [1.0] * 16 + [0.5] * 16)
    qs = np.arange(-3, 29, dtype=np.int8)
    q8_0 = np.concatenate([np.array([0x00, 0x3C], np.uint8),  # d = 1.0
                           qs.view(np.uint8)])
    y = quant4.QuantizedTensor.from_storage(q8_0, (32,), "q8_0").dequantize()
    assert np.array_equal(y, qs.astype(np.float32))
    x = gauss((4, 64))
    for fmt, tolerance in (("q4_0", 0.3), ("q8_0", 0.02)):
        q = quant4.quantize(x, fmt)
        assert q.planes["blocks"].shape == (8, 18 if fmt == "q4_0" else 34)
        assert np.abs(q.dequantize() - x).max() < tolerance
