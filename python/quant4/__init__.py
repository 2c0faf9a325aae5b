"""quant4: blocked 4-bit weight formats (ggml Q4_K, bitsandbytes NF4, OCP
MXFP4) and the quant4 MLIR compiler, from numpy.

    >>> import numpy as np, quant4
    >>> w = np.random.default_rng(0).standard_normal((64, 256), np.float32)
    >>> q = quant4.quantize(w, "q4_k")
    >>> q.dequantize().shape
    (64, 256)

Submodules: :mod:`quant4.gguf` and :mod:`quant4.safetensors` (model files),
:mod:`quant4.ir` (parse / verify / print / run passes on MLIR text) and
:func:`quant4.compile` (JIT a quant4 function into a numpy callable). The
formats and files need only the ``_format`` extension; ``ir`` and
``compile`` need ``_mlir`` (built when MLIR is enabled).
"""

from __future__ import annotations

from typing import Any

from .errors import FormatError
from .formats import FORMAT_OPTIONS, Spec, make_spec
from .tensor import QuantizedTensor, dequantize, quantize
from . import gguf, safetensors

__all__ = [
    "FORMAT_OPTIONS",
    "FormatError",
    "QuantizedTensor",
    "Spec",
    "compile",
    "dequantize",
    "gguf",
    "make_spec",
    "quantize",
    "safetensors",
]


def compile(source: str, target: str = "cpu", entry: str = "main",
            **options: Any) -> Any:
    """Compiles quant4 MLIR (text or a path): a numpy callable for
    ``target="cpu"``, a :class:`quant4.compiler.PTXBundle` (kernel module
    name -> PTX text, and the launch manifest) for ``"nvptx"``; see
    :func:`quant4.compiler.compile`."""
    from .compiler import compile as _compile

    return _compile(source, target=target, entry=entry, **options)


def __getattr__(name: str) -> Any:
    # quant4.ir loads the MLIR extension only when asked for.
    if name == "ir":
        import importlib

        return importlib.import_module("quant4.ir")
    raise AttributeError(f"module 'quant4' has no attribute {name!r}")
