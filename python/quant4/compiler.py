"""quant4.compile: quant4 MLIR to a callable taking and returning numpy arrays.

``target="cpu"`` runs the CPU target of lib/Target/CPU (the
``--quant4-cpu-pipeline`` lowering and the mlir::ExecutionEngine JIT behind
``q4-run``) in this process, with ``q4-compile --target=cpu``'s options that
apply to a JIT: ``threads`` (OpenMP threads) and ``activations``. The entry
function's arguments and results must be static tensors of f32, f16, bf16
(passed as uint16 bit patterns), i8 or ui8; a
:class:`~quant4.QuantizedTensor` argument is passed as its storage bytes
(what ``quant4.from_bytes`` expects).

    >>> fn = quant4.compile("examples/gemv_q4k.mlir", entry="gemv")
    >>> y = fn(x, weights)            # x: float32 [1, 4096], weights: q4_k
    >>> fn8 = quant4.compile("examples/gemv_q4k.mlir", entry="gemv",
    ...                      threads=2, activations="q8_k")

``target="nvptx"`` runs lib/Target/NVPTX's pipeline (as ``q4-nvptx``) and
returns a :class:`PTXBundle`: the PTX of each kernel module and the launch
manifest that lib/Runtime runs them by (no GPU or CUDA needed to compile).

    >>> kernels = quant4.compile("examples/gemv_q4k.mlir", target="nvptx")
    >>> sorted(kernels)               # kernel module (gpu.binary) names
    ['gemv_kernel']
    >>> kernels.write("/tmp/gemv")    # as q4-nvptx -o /tmp/gemv
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

import numpy as np

from .ir import MLIRError, _mlir, _result
from .tensor import QuantizedTensor

PathLike = Union[str, "os.PathLike[str]"]

TARGETS = ("cpu", "nvptx")
ACTIVATIONS = ("f32", "q8_k")


def _activations(activations: Optional[str]) -> str:
    """The native spelling of an activation mode ("" leaves the IR's)."""
    if activations is not None and activations not in ACTIVATIONS:
        raise ValueError(f"activations must be 'f32' or 'q8_k', got "
                         f"{activations!r}")
    return activations or ""


def _positive(name: str, value: Any) -> int:
    """`value` as a count of at least 1 (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return value


def _native_options(threads: Any, activations: Optional[str], have: str,
                    missing: str) -> Tuple[int, str]:
    """(threads, activation mode) for _mlir after checking both, and that
    this build has the target (`have`: its HAVE_* flag; else
    NotImplementedError(`missing`))."""
    mode = _activations(activations)
    threads = _positive("threads", threads)
    if not getattr(_mlir, have, False):
        raise NotImplementedError(missing)
    return threads, mode


def _read_source(source: Union[PathLike, str]) -> Tuple[str, str]:
    """(text, name for locations) of MLIR text or a .mlir path."""
    if isinstance(source, os.PathLike) or (
            isinstance(source, str) and "\n" not in source
            and source.endswith(".mlir")):
        path = os.fspath(source)
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    if not isinstance(source, str):
        raise TypeError(f"expected MLIR text or a path, got "
                        f"{type(source).__name__}")
    return source, "<string>"


class CompiledFunction:
    """A JIT-compiled entry function; call it with numpy arrays."""

    def __init__(self, native: Any, entry: str, name: str) -> None:
        self._native = native
        self.entry = entry
        self.source_name = name

    def __call__(self, *args: Any) -> Any:
        """Runs the function once.

        Returns:
            The single result array, a tuple for several results, or None.

        Raises:
            TypeError: an argument of a dtype the CPU ABI does not take.
            ValueError: arguments that do not match the entry's signature
                (count, shape, dtype), as the runner reports them.
        """
        arrays = [a.storage if isinstance(a, QuantizedTensor)
                  else np.asarray(a) for a in args]
        results = self._native.run(arrays)
        if not results:
            return None
        return results[0] if len(results) == 1 else tuple(results)

    def __repr__(self) -> str:
        return f"<quant4 CPU function @{self.entry} from {self.source_name}>"


class PTXBundle(Mapping[str, str]):
    """What ``quant4.compile(..., target="nvptx")`` makes: a read-only
    mapping kernel module (gpu.binary) name -> its PTX text, one entry per
    module, plus :attr:`manifest`, the launch manifest (host functions,
    their buffers and scratch, each kernel launch's grid, block and
    operands; lib/Target/NVPTX/KernelBundle.h) that lib/Runtime's
    KernelBundle runs the PTX by. :meth:`write` stores both as
    ``q4-nvptx -o PREFIX`` does."""

    _BASE = "kernels"

    def __init__(self, manifest: str,
                 modules: List[Tuple[str, str, str]]) -> None:
        self.manifest = manifest
        """The manifest text; its launch lines name each module's PTX file
        ``kernels.<module>.ptx``."""
        self._ptx: Dict[str, str] = {name: ptx for name, _, ptx in modules}

    def __getitem__(self, module: str) -> str:
        return self._ptx[module]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ptx)

    def __len__(self) -> int:
        return len(self._ptx)

    def write(self, prefix: PathLike) -> List[str]:
        """Writes ``PREFIX.manifest`` and ``PREFIX.<module>.ptx`` per module
        (the manifest naming those files), as ``q4-nvptx -o PREFIX``; returns
        the paths written."""
        prefix = os.fspath(prefix)
        base = os.path.basename(prefix)
        if not base:
            raise ValueError(f"prefix {prefix!r} names no file")
        renames = {f"{self._BASE}.{m}.ptx": f"{base}.{m}.ptx"
                   for m in self._ptx}
        lines = []
        for line in self.manifest.splitlines(keepends=True):
            words = line.split(" ")
            if words[0] == "launch" and words[1] in renames:
                words[1] = renames[words[1]]
            lines.append(" ".join(words))
        paths = [prefix + ".manifest"]
        with open(paths[0], "w", encoding="utf-8") as f:
            f.write("".join(lines))
        for module, ptx in self._ptx.items():
            paths.append(f"{prefix}.{module}.ptx")
            with open(paths[-1], "w", encoding="utf-8") as f:
                f.write(ptx)
        return paths

    def __repr__(self) -> str:
        return f"<quant4 PTXBundle of {', '.join(self._ptx)}>"


def _compile_ptx(text: str, name: str, chip: str = "sm_90",
                 features: str = "+ptx80", threads: int = 128,
                 activations: Optional[str] = None) -> PTXBundle:
    threads, mode = _native_options(
        threads, activations, "HAVE_NVPTX",
        "quant4.compile(target='nvptx') needs the NVPTX target "
        "(lib/Target/NVPTX), which this build of quant4._mlir does not "
        "include")
    raw, manifest, modules = _mlir.compile_ptx(text, name, chip, features,
                                               threads, mode)
    _result(raw, f"{name}: cannot compile for NVPTX ({chip})")
    return PTXBundle(manifest, modules)


def _compile_cpu(text: str, name: str, entry: str, threads: int = 1,
                 activations: Optional[str] = None) -> CompiledFunction:
    threads, mode = _native_options(
        threads, activations, "HAVE_JIT",
        "this build of quant4._mlir has no CPU JIT (lib/Target/CPU was not "
        "built)")
    raw, native = _mlir.compile_cpu(text, name, entry, threads, mode)
    _result(raw, f"{name}: cannot compile @{entry} for the CPU")
    return CompiledFunction(native, entry, name)


def compile(source: Union[PathLike, str], target: str = "cpu",
            entry: str = "main", **options: Any
            ) -> Union[CompiledFunction, PTXBundle]:
    """Compiles a quant4 module for ``target``.

    Args:
        source: MLIR text, or the path of a .mlir file.
        target: ``"cpu"``: JIT in this process (options ``threads=1``:
            OpenMP threads, > 1 needs libomp; ``activations=None``:
            ``"q8_k"`` rounds x to Q8_K and takes integer dot products in
            the open Q4_K matmuls, ``"f32"`` keeps f32, None leaves the IR's
            mode; as ``q4-compile --threads / --activations``, docs/CPU.md;
            the JIT always targets this host's CPU); returns a
            :class:`CompiledFunction` calling ``entry``. ``"nvptx"``: the
            NVPTX pipeline of ``q4-nvptx`` (options ``chip="sm_90"``,
            ``features="+ptx80"``, ``threads=128``, ``activations=None``:
            ``"q8_k"`` rounds x to Q8_K for the open Q4_K matmuls the GEMV
            kernel takes, M <= 16, docs/NVPTX.md); returns a
            :class:`PTXBundle` (kernel module name -> PTX text, one entry
            per module, and the launch manifest). ``entry`` is not used for
            NVPTX.
        entry: the function to call (cpu).

    Raises:
        MLIRError: the module does not parse or verify, the entry does not
            exist or has an unsupported signature, or lowering fails (with
            MLIR's located diagnostics).
        NotImplementedError: a target this build cannot compile for.
        ValueError: an unknown target, an activation mode other than
            ``"f32"`` / ``"q8_k"``, or ``threads`` not an integer >= 1.
        TypeError: an option the target does not take.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of "
                         f"{', '.join(TARGETS)}")
    text, name = _read_source(source)
    if target == "nvptx":
        return _compile_ptx(text, name, **options)
    return _compile_cpu(text, name, entry, **options)


__all__ = ["ACTIVATIONS", "CompiledFunction", "MLIRError", "PTXBundle",
           "TARGETS", "compile"]
