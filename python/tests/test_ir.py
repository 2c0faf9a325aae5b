"""quant4.ir: parse / verify / print / run_passes on quant4 MLIR text, and
MLIRError with MLIR's located diagnostics."""

from __future__ import annotations

import os
import pathlib

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _ir():
    """quant4.ir; an error (not a skip) when lit says MLIR was built."""
    if os.environ.get("QUANT4_EXPECT_MLIR") == "1":
        from quant4 import ir
        return ir
    return pytest.importorskip("quant4.ir")


ir = _ir()

GEMV = """
!w = !quant4.blocked<256x256, #quant4.q4_k>
func.func @gemv(%x: tensor<1x256xf32>, %raw: tensor<36864xui8>)
    -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<36864xui8> -> !w
  %y = quant4.matmul %x, %w : tensor<1x256xf32>, !w -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}
"""


def test_parse_and_print_round_trip():
    module = ir.parse(GEMV)
    text = str(module)
    assert "quant4.matmul" in text and "#quant4.q4_k" in text
    assert ir.print(text) == text
    generic = ir.print(module, generic=True)
    assert '"quant4.matmul"' in generic
    assert ir.print(generic) == text


@pytest.mark.parametrize("name",
                         sorted(p.name for p in EXAMPLES.glob("*.mlir")))
def test_examples_verify(name):
    module = ir.parse_file(EXAMPLES / name)
    assert module.name.endswith(name)
    ir.verify(module)


def test_syntax_error_has_location():
    source = "func.func @f() {\n  %0 = quant4.bogus\n}\n"
    with pytest.raises(ir.MLIRError) as info:
        ir.parse(source, name="bad.mlir")
    err = info.value
    assert (err.file, err.line, err.column) == ("bad.mlir", 2, 8)
    assert ("bad.mlir:2:8: error: custom op 'quant4.bogus' is unknown"
            in str(err))
    assert isinstance(err, ValueError)


def test_verifier_error_has_location():
    bad = (
        "!w = !quant4.blocked<256x256, #quant4.q4_k>\n"
        "func.func @f(%x: tensor<1x128xf32>, %w: !w) -> tensor<1x256xf32> {\n"
        "  %y = quant4.matmul %x, %w : tensor<1x128xf32>, !w -> "
        "tensor<1x256xf32>\n"
        "  return %y : tensor<1x256xf32>\n"
        "}\n")
    with pytest.raises(ir.MLIRError) as info:
        ir.verify(bad, name="matmul.mlir")
    err = info.value
    assert (err.file, err.line, err.column) == ("matmul.mlir", 3, 8)
    assert "'quant4.matmul' op contraction dimension mismatch" in str(err)


def test_run_passes():
    out = ir.run_passes(GEMV, "canonicalize,cse")
    assert "quant4.matmul" in out
    wrapped = ir.run_passes(GEMV, "builtin.module(convert-quant4-to-linalg)")
    assert "quant4.matmul" not in wrapped and "linalg.generic" in wrapped


def test_bad_pipeline_and_bad_input():
    with pytest.raises(ir.MLIRError, match="'no-such-pass' does not refer to "
                                           "a registered pass"):
        ir.run_passes(GEMV, "no-such-pass")
    with pytest.raises(ir.MLIRError) as info:
        ir.run_passes("module {", "canonicalize", name="x.mlir")
    assert info.value.file == "x.mlir" and info.value.line == 1
    with pytest.raises(TypeError):
        ir.parse(b"module {}")
