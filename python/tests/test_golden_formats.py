"""Bit-exactness of quant4.quantize / dequantize against the golden vectors
produced by ggml (Q4_K, MXFP4) and bitsandbytes' algorithm (NF4)."""

from __future__ import annotations

import numpy as np
import pytest

import quant4
from conftest import golden_cases, load, manifest_shapes, same_bits

Q4K_CASES = golden_cases("q4k", ".q4k")
MXFP4_CASES = golden_cases("mxfp4", ".ggml.mxfp4")
NF4_CASES = golden_cases("nf4", ".nf4.u8")
NF4_NESTED = golden_cases("nf4", ".nested.qabsmax.u8")


def test_every_family_has_cases():
    assert len(Q4K_CASES) >= 10
    assert len(MXFP4_CASES) >= 10
    assert len(NF4_CASES) >= 10
    assert len(NF4_NESTED) >= 2


def _input(family: str, case: str) -> np.ndarray:
    shape = manifest_shapes(family)[case]
    return load(family, f"{case}.input.f32", "<f4").reshape(shape)


@pytest.mark.parametrize("case", Q4K_CASES)
def test_q4k_matches_ggml(case):
    x = _input("q4k", case)
    q = quant4.quantize(x, "q4_k")
    assert q.shape == x.shape and q.format == "q4_k"
    assert np.array_equal(q.storage, load("q4k", f"{case}.q4k", "u1"))
    expected = load("q4k", f"{case}.dequant.f32", "<f4")
    y = q.dequantize()
    assert y.shape == x.shape and y.dtype == np.float32
    assert same_bits(y, expected)
    # Decoding ggml's own bytes gives ggml's floats too.
    ggml = quant4.QuantizedTensor.from_storage(
        load("q4k", f"{case}.q4k", "u1"), x.shape, "q4_k")
    assert same_bits(quant4.dequantize(ggml), expected)


@pytest.mark.parametrize("case", MXFP4_CASES)
def test_mxfp4_ggml_rule_and_layout_match_ggml(case):
    x = _input("mxfp4", case)
    q = quant4.quantize(x, "mxfp4", rule="ggml", layout="ggml")
    assert np.array_equal(q.storage, load("mxfp4", f"{case}.ggml.mxfp4", "u1"))
    assert same_bits(q.dequantize(), load("mxfp4", f"{case}.ggml.dequant.f32",
                                          "<f4"))
    assert np.array_equal(q.scales, load("mxfp4", f"{case}.ggml.hf_scales.u8",
                                         "u1"))


@pytest.mark.parametrize("case", MXFP4_CASES)
@pytest.mark.parametrize("rule,producer",
                         [("ggml", "ggml"), ("ocp", "ocp_rne")])
def test_mxfp4_hf_layout_matches_golden_planes(case, rule, producer):
    x = _input("mxfp4", case)
    q = quant4.quantize(x, "mxfp4", rule=rule, layout="hf")
    blocks = load("mxfp4", f"{case}.{producer}.hf_blocks.u8", "u1")
    scales = load("mxfp4", f"{case}.{producer}.hf_scales.u8", "u1")
    assert q.plane_names == ("blocks", "scales")
    assert np.array_equal(q.planes["blocks"].reshape(-1), blocks)
    assert np.array_equal(q.scales, scales)
    dequant = load("mxfp4", f"{case}.{producer}.dequant.f32", "<f4")
    assert same_bits(q.dequantize(), dequant)
    # Planes given separately (as a gpt-oss checkpoint stores them).
    again = quant4.QuantizedTensor.from_planes(
        {"blocks": blocks, "scales": scales}, x.shape, "mxfp4", layout="hf")
    assert same_bits(again.dequantize(), dequant)


@pytest.mark.parametrize("case", NF4_CASES)
def test_nf4_matches_bitsandbytes(case):
    x = _input("nf4", case)
    block = 128 if case.endswith("_bs128") else 64
    q = quant4.quantize(x, "nf4", block_size=block)
    codes = load("nf4", f"{case}.nf4.u8", "u1")
    absmax = load("nf4", f"{case}.absmax.f32", "<f4")
    assert np.array_equal(q.planes["codes"].reshape(-1)[:codes.size], codes)
    assert same_bits(q.absmax, absmax)
    expected = load("nf4", f"{case}.dequant.f32", "<f4")
    assert same_bits(q.dequantize(), expected)
    stored = quant4.QuantizedTensor.from_planes(
        {"codes": codes, "absmax": absmax}, x.shape, "nf4", block_size=block)
    assert same_bits(stored.dequantize(), expected)


@pytest.mark.parametrize("case", NF4_NESTED)
def test_nf4_double_quant_matches_bitsandbytes(case):
    x = _input("nf4", case)
    q = quant4.quantize(x, "nf4", double_quant=True)
    assert q.plane_names == ("codes", "qabsmax", "absmax2", "offset")
    assert np.array_equal(q.planes["qabsmax"],
                          load("nf4", f"{case}.nested.qabsmax.u8", "u1"))
    assert same_bits(q.planes["absmax2"],
                     load("nf4", f"{case}.nested.absmax2.f32", "<f4"))
    assert same_bits(q.planes["offset"],
                     load("nf4", f"{case}.nested.offset.f32", "<f4"))
    assert same_bits(q.absmax,
                     load("nf4", f"{case}.nested.absmax_dequant.f32", "<f4"))
    assert same_bits(q.dequantize(),
                     load("nf4", f"{case}.nested.dequant.f32", "<f4"))


def test_nf4_codebook_is_bitsandbytes():
    """Decoding one block of every nibble with absmax 1 gives the table."""
    codes = np.array([(2 * i) << 4 | (2 * i + 1) for i in range(8)] * 4,
                     dtype=np.uint8)
    q = quant4.QuantizedTensor.from_planes(
        {"codes": codes, "absmax": np.ones(1, np.float32)}, (64,), "nf4")
    table = load("nf4", "nf4_codebook.f32", "<f4")
    assert same_bits(q.dequantize()[:16], table)
