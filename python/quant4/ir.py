"""MLIR text with the quant4 dialect: parse, verify, print, run passes.

Everything here goes through the ``_mlir`` extension (our C++ over libMLIR,
with every upstream dialect and pass and the quant4 dialect and passes, as in
``q4-opt``). Text goes in and text comes out; errors raise :class:`MLIRError`
carrying MLIR's diagnostics with their locations.

    >>> from quant4 import ir
    >>> m = ir.parse(open("examples/gemv_q4k.mlir").read())
    >>> print(ir.run_passes(m, "canonicalize,cse"))
"""

from __future__ import annotations

import builtins
import os
from typing import List, NamedTuple, Sequence, Union

from ._native import load

_mlir = load("_mlir", "the MLIR bindings; needs a build with MLIR")


class Diagnostic(NamedTuple):
    """One MLIR diagnostic."""

    severity: str  #: "error", "warning", "note" or "remark"
    location: str  #: as MLIR prints it, e.g. '"in.mlir":3:5' (may be empty)
    file: str  #: file of the location ("" when it has none)
    line: int  #: 1-based line, 0 when unknown
    column: int  #: 1-based column, 0 when unknown
    message: str

    def __str__(self) -> str:
        where = (f"{self.file}:{self.line}:{self.column}: " if self.line
                 else (f"{self.location}: " if self.location else ""))
        return f"{where}{self.severity}: {self.message}"


class MLIRError(ValueError):
    """MLIR rejected the input (parse error, verifier failure, bad or failing
    pass pipeline). ``diagnostics`` lists what MLIR reported; ``line`` and
    ``column`` are those of the first located error."""

    def __init__(self, summary: str, diagnostics: Sequence[Diagnostic]):
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        located = [d for d in errors if d.line]
        first = (located or errors or [None])[0]
        self.file = first.file if first else ""
        self.line = first.line if first else 0
        self.column = first.column if first else 0
        lines = [summary] + [str(d) for d in self.diagnostics]
        super().__init__("\n".join(lines))


class Module:
    """A parsed and verified module, kept as its printed text."""

    def __init__(self, text: str, name: str = "<string>") -> None:
        self.text = text
        self.name = name

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        first = self.text.splitlines()[0] if self.text else ""
        return f"<quant4.ir.Module from {self.name}: {first[:60]}...>"


Source = Union[str, Module]


def _text(source: Source) -> str:
    if isinstance(source, Module):
        return source.text
    if isinstance(source, str):
        return source
    raise TypeError(f"expected MLIR text or a quant4.ir.Module, got "
                    f"{type(source).__name__}")


def _name(source: Source, name: str) -> str:
    return source.name if isinstance(source, Module) and name == "<string>" \
        else name


def _result(raw: dict, what: str) -> str:
    diagnostics = [Diagnostic(**d) for d in raw["diagnostics"]]
    if not raw["ok"]:
        raise MLIRError(what, diagnostics)
    return raw["text"]


def parse(source: Source, *, name: str = "<string>") -> Module:
    """Parses and verifies MLIR text (``name`` is the file name used in
    locations).

    Raises:
        MLIRError: a syntax error or a verifier failure, with location.
    """
    text = _result(_mlir.parse(_text(source), _name(source, name)),
                   f"{_name(source, name)}: failed to parse or verify")
    return Module(text, _name(source, name))


def parse_file(path: Union[str, "os.PathLike[str]"]) -> Module:
    """Reads and parses a .mlir file; locations name ``path``."""
    with builtins.open(path, encoding="utf-8") as f:
        return parse(f.read(), name=os.fspath(path))


def verify(source: Source, *, name: str = "<string>") -> None:
    """Raises MLIRError unless the text parses and verifies."""
    parse(source, name=name)


def print(source: Source, *, generic: bool = False, debug_info: bool = False,
          name: str = "<string>") -> str:  # noqa: A001 (mirrors MLIR's print)
    """Parses, verifies and prints MLIR text (``generic``: the generic op
    form; ``debug_info``: with locations), like ``q4-opt`` without passes."""
    return _result(_mlir.parse(_text(source), _name(source, name), generic,
                               debug_info),
                   f"{_name(source, name)}: failed to parse or verify")


def run_passes(source: Source, pipeline: str, *, generic: bool = False,
               debug_info: bool = False, name: str = "<string>") -> str:
    """Runs a textual pass pipeline on the module and prints the result.

    ``pipeline`` uses MLIR's pipeline syntax, as ``q4-opt
    --pass-pipeline=...`` takes it, with or without the ``builtin.module(...)``
    wrapper: e.g. ``"canonicalize,cse"`` or
    ``"builtin.module(func.func(canonicalize))"``.

    Raises:
        MLIRError: the input does not parse or verify, the pipeline does not
            parse, or a pass fails (with the diagnostics it emitted).
    """
    if not isinstance(pipeline, str):
        raise TypeError("pipeline must be a string")
    return _result(_mlir.run_pipeline(_text(source), _name(source, name),
                                      pipeline, generic, debug_info),
                   f"{_name(source, name)}: pass pipeline '{pipeline}' failed")


__all__ = ["Diagnostic", "MLIRError", "Module", "parse", "parse_file",
           "print", "run_passes", "verify"]
