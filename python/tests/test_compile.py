"""quant4.compile: JIT quant4 functions on the CPU and check them against
golden references and numpy."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Mapping

import numpy as np
import pytest

import quant4
from conftest import load, same_bits

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _require_jit():
    """An error, not a skip, when lit says the MLIR side was built."""
    if os.environ.get("QUANT4_EXPECT_MLIR") != "1":
        pytest.importorskip("quant4.ir")
    from quant4 import ir
    assert ir._mlir.HAVE_JIT, "quant4._mlir was built without the CPU JIT"
    return ir


ir = _require_jit()


def _matmul_module(fmt: str, n: int, k: int, nbytes: int, m: int = 2) -> str:
    return f"""
!w = !quant4.blocked<{n}x{k}, {fmt}>
func.func @mm(%x: tensor<{m}x{k}xf32>, %raw: tensor<{nbytes}xui8>)
    -> tensor<{m}x{n}xf32> {{
  %w = quant4.from_bytes %raw : tensor<{nbytes}xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<{m}x{k}xf32>, !w -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}"""


def test_q4k_gemv_example_matches_the_golden_reference():
    weights = quant4.QuantizedTensor.from_storage(
        load("q4k", "gemv_W_4096x4096.q4k", "u1"), (4096, 4096), "q4_k")
    x = load("q4k", "gemv_x_4096.f32", "<f4").reshape(1, 4096)
    gemv = quant4.compile(EXAMPLES / "gemv_q4k.mlir", entry="gemv")
    y = gemv(x, weights)
    assert y.shape == (1, 4096) and y.dtype == np.float32
    ref = load("q4k", "gemv_y_ref_f64_4096.f64", "<f8")
    scale = np.abs(ref).max()
    assert np.abs(y[0] - ref).max() <= 1e-5 * scale
    # ... and numpy's product of the dequantized weights agrees.
    dense = weights.dequantize().astype(np.float64)
    assert np.abs(y[0] - dense @ x[0].astype(np.float64)).max() <= 1e-5 * scale


def _golden_weights(name):
    """(QuantizedTensor from golden bytes, golden dequantized floats)."""
    shape = (64, 4096)
    if name == "q4_k":
        q = quant4.QuantizedTensor.from_storage(
            load("q4k", "q4k_gauss_64x4096.q4k", "u1"), shape, "q4_k")
        return q, load("q4k", "q4k_gauss_64x4096.dequant.f32", "<f4")
    if name == "mxfp4":
        case = "mxfp4_gauss_64x4096.ocp_rne"
        q = quant4.QuantizedTensor.from_planes(
            {"blocks": load("mxfp4", f"{case}.hf_blocks.u8", "u1"),
             "scales": load("mxfp4", f"{case}.hf_scales.u8", "u1")},
            shape, "mxfp4", layout="hf")
        return q, load("mxfp4", f"{case}.dequant.f32", "<f4")
    case = "nf4_gauss_64x4096"
    codes = load("nf4", f"{case}.nf4.u8", "u1")
    if name == "nf4":
        q = quant4.QuantizedTensor.from_planes(
            {"codes": codes,
             "absmax": load("nf4", f"{case}.absmax.f32", "<f4")},
            shape, "nf4")
        return q, load("nf4", f"{case}.dequant.f32", "<f4")
    q = quant4.QuantizedTensor.from_planes(
        {"codes": codes,
         "qabsmax": load("nf4", f"{case}.nested.qabsmax.u8", "u1"),
         "absmax2": load("nf4", f"{case}.nested.absmax2.f32", "<f4"),
         "offset": load("nf4", f"{case}.nested.offset.f32", "<f4")},
        shape, "nf4", double_quant=True)
    return q, load("nf4", f"{case}.nested.dequant.f32", "<f4")


@pytest.mark.parametrize("name,fmt", [
    ("q4_k", "#quant4.q4_k"),
    ("nf4", "#quant4.nf4"),
    ("nf4_nested", "#quant4.nf4<double_quant = true>"),
    ("mxfp4", "#quant4.mxfp4<layout = hf>"),
])
def test_matmul_of_golden_weights_matches_numpy(name, fmt):
    """y = x W^T on golden bytes against numpy on the golden floats."""
    q, dense = _golden_weights(name)
    x = np.random.default_rng(1).standard_normal((2, 4096)).astype(np.float32)
    fn = quant4.compile(_matmul_module(fmt, 64, 4096, q.nbytes), entry="mm")
    y = fn(x, q)
    want = x.astype(np.float64) @ dense.reshape(64, 4096).astype(np.float64).T
    assert y.shape == (2, 64) and y.dtype == np.float32
    assert np.abs(y - want).max() <= 1e-5 * np.abs(want).max()


def test_dequantize_is_bit_exact():
    blocks = load("mxfp4", "mxfp4_gauss_4096.ocp_rne.hf_blocks.u8", "u1")
    scales = load("mxfp4", "mxfp4_gauss_4096.ocp_rne.hf_scales.u8", "u1")
    raw = np.concatenate([blocks, scales])
    blocked = "!quant4.blocked<1x4096, #quant4.mxfp4<layout = hf>>"
    source = f"""
func.func @deq(%raw: tensor<{raw.size}xui8>) -> tensor<1x4096xf32> {{
  %w = quant4.from_bytes %raw : tensor<{raw.size}xui8> -> {blocked}
  %y = quant4.dequantize %w : {blocked} -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}}"""
    y = quant4.compile(source, entry="deq")(raw)
    assert same_bits(y, load("mxfp4", "mxfp4_gauss_4096.ocp_rne.dequant.f32",
                             "<f4"))


def test_compile_errors():
    source = _matmul_module("#quant4.q4_k", 4, 256, 576)
    with pytest.raises(ir.MLIRError, match="no function named 'main'"):
        quant4.compile(source)
    fn = quant4.compile(source, entry="mm")
    with pytest.raises(ValueError, match="takes 2 arguments"):
        fn(np.zeros((2, 256), np.float32))
    with pytest.raises(TypeError, match="float64"):
        fn(np.zeros((2, 256)), np.zeros(576, np.uint8))
    with pytest.raises(ir.MLIRError) as info:
        quant4.compile("func.func @f() {\n  return %x\n}\n", entry="f")
    assert (info.value.line, info.value.column) == (2, 12)
    with pytest.raises(TypeError, match="unexpected keyword argument 'chip'"):
        quant4.compile(source, entry="mm", chip="sm_90")
    with pytest.raises(ValueError, match="unknown target 'tpu'"):
        quant4.compile(source, target="tpu")


def _q8k_reference(x, dense):
    """x W^T in float64 with every 256-value block of each row of x rounded
    to ggml's Q8_K (quantize_row_q8_K_ref: the first value of largest
    magnitude sets iscale = -127 / max, codes min(127, round-half-even(iscale
    x)) in float32, d = 1 / iscale)."""
    blocks = x.reshape(x.shape[0], -1, 256).astype(np.float32)
    first = np.abs(blocks).argmax(axis=2)[..., None]
    peak = np.take_along_axis(blocks, first, axis=2)
    with np.errstate(divide="ignore"):
        iscale = np.where(peak == 0, np.float32(0),
                          np.float32(-127) / peak).astype(np.float32)
    codes = np.minimum(127, np.rint((iscale * blocks).astype(np.float32)))
    with np.errstate(divide="ignore"):
        d = np.where(iscale == 0, np.float32(0),
                     np.float32(1) / iscale).astype(np.float32)
    rounded = (d.astype(np.float64) * codes).reshape(x.shape)
    return rounded @ dense.astype(np.float64).T


def test_cpu_options_threads_and_q8k_activations():
    """threads / activations as q4-compile's: two OpenMP threads give the
    same bits as one; q8_k matches the Q8_K-rounded product (and f32 does
    not); bad values raise ValueError before compiling."""
    q, dense = _golden_weights("q4_k")
    dense = dense.reshape(64, 4096)
    x = np.random.default_rng(2).standard_normal((2, 4096)).astype(np.float32)
    source = _matmul_module("#quant4.q4_k", 64, 4096, q.nbytes)
    y1 = quant4.compile(source, entry="mm")(x, q)
    y2 = quant4.compile(source, entry="mm", threads=2)(x, q)
    assert same_bits(y2, y1)

    q8 = quant4.compile(source, entry="mm", activations="q8_k")(x, q)
    f32 = quant4.compile(source, entry="mm", activations="f32")(x, q)
    assert same_bits(f32, y1)
    want = _q8k_reference(x, dense)
    scale = np.abs(want).max()
    assert np.abs(q8 - want).max() <= 1e-5 * scale
    assert np.abs(f32 - want).max() > 1e-4 * scale

    for bad in (0, -1, 2.0, True, "2"):
        with pytest.raises(ValueError, match="threads must be an integer"):
            quant4.compile(source, entry="mm", threads=bad)
    with pytest.raises(ValueError, match="activations must be"):
        quant4.compile(source, entry="mm", activations="int8")


def test_nvptx_gives_ptx_per_kernel_module(tmp_path):
    """PTX per kernel module and the launch manifest when the build has
    lib/Target/NVPTX, else NotImplementedError."""
    source = _matmul_module("#quant4.q4_k", 256, 512, 256 * 2 * 144, m=1)
    if not ir._mlir.HAVE_NVPTX:
        with pytest.raises(NotImplementedError, match="NVPTX target"):
            quant4.compile(source, target="nvptx")
        return
    # Always a PTXBundle, a mapping kernel module name -> PTX text: one
    # module for the GEMV kernel (M = 1), two for M = 64 with ui8 storage
    # (the split-K partial sums and their sum; docs/NVPTX.md).
    ptx = quant4.compile(source, target="nvptx", chip="sm_90")
    assert isinstance(ptx, quant4.compiler.PTXBundle) and len(ptx) == 1
    gemm = quant4.compile(
        _matmul_module("#quant4.q4_k", 256, 512, 256 * 2 * 144, m=64),
        target="nvptx", chip="sm_90")
    assert isinstance(gemm, Mapping) and len(gemm) == 2
    for texts in (ptx, gemm):
        assert all(isinstance(k, str) and isinstance(t, str)
                   for k, t in texts.items())
        assert all(".target sm_90" in t and ".entry" in t
                   for t in texts.values())
        # The manifest launches each module's kernels on @mm's buffers.
        lines = texts.manifest.splitlines()
        assert lines[0] == "quant4-nvptx-bundle 1" and "func mm 3" in lines
        launched = {line.split()[1] for line in lines
                    if line.startswith("launch ")}
        assert launched == {f"kernels.{m}.ptx" for m in texts}

    # write() stores the files as q4-nvptx -o PREFIX names them.
    paths = gemm.write(tmp_path / "k")
    assert sorted(paths) == sorted(
        [str(tmp_path / "k.manifest")] +
        [str(tmp_path / f"k.{m}.ptx") for m in gemm])
    written = (tmp_path / "k.manifest").read_text()
    assert written == gemm.manifest.replace("launch kernels.", "launch k.")
    for module, text in gemm.items():
        assert (tmp_path / f"k.{module}.ptx").read_text() == text
    with pytest.raises(ir.MLIRError):
        quant4.compile("func.func @f(", target="nvptx")


def test_nvptx_q8k_activations():
    """activations="q8_k": the GEMV rounds x to Q8_K in a first kernel and
    multiplies with dp4a; "f32" keeps one kernel; other values are refused
    before compiling."""
    source = _matmul_module("#quant4.q4_k", 256, 512, 256 * 2 * 144, m=1)
    with pytest.raises(ValueError, match="activations must be"):
        quant4.compile(source, target="nvptx", activations="int4")
    with pytest.raises(ValueError, match="threads must be an integer"):
        quant4.compile(source, target="nvptx", threads=0)
    if not ir._mlir.HAVE_NVPTX:
        return
    q8 = quant4.compile(source, target="nvptx", activations="q8_k")
    assert len(q8) == 2
    assert sum("dp4a" in text for text in q8.values()) == 1
    f32 = quant4.compile(source, target="nvptx", activations="f32")
    assert len(f32) == 1 and not any("dp4a" in t for t in f32.values())
