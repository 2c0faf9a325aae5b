"""Format names and options: the Python face of lib/Format's FormatSpec."""

from __future__ import annotations

from typing import Any, Dict

from ._native import format_module as _native

#: Format names and the options each accepts, with their defaults.
FORMAT_OPTIONS: Dict[str, Dict[str, Any]] = {
    "q4_k": {},
    "nf4": {"block_size": 64, "double_quant": False},
    "mxfp4": {"layout": "ggml", "rule": "ocp"},
    "q4_0": {},
    "q8_0": {},
}

Spec = _native.Spec


def make_spec(format: "str | Spec", **options: Any) -> Spec:
    """Builds a native format spec from a name and options.

    Args:
        format: ``"q4_k"``, ``"nf4"``, ``"mxfp4"``, ``"q4_0"`` or ``"q8_0"``
            (case-insensitive), or an existing Spec (then no options).
        **options: nf4: ``block_size`` (power of two, 32..4096; default 64),
            ``double_quant`` (bool). mxfp4: ``layout`` (``"ggml"`` 17-byte
            blocks or ``"hf"`` blocks + scales planes), ``rule``
            (``"ggml"``, ``"ocp"`` or ``"optimal"``; quantize only).

    Raises:
        ValueError: unknown format or option value.
        TypeError: an option the format does not take, or a non-string name.
    """
    if isinstance(format, Spec):
        if options:
            raise TypeError("options cannot be given with a Spec")
        return format
    if not isinstance(format, str):
        raise TypeError(
            f"format must be a string, got {type(format).__name__}")
    name = format.lower()
    if name not in FORMAT_OPTIONS:
        raise ValueError(
            f"unknown format {format!r}; expected one of "
            f"{', '.join(FORMAT_OPTIONS)}")
    allowed = FORMAT_OPTIONS[name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no options"
        raise TypeError(
            f"format {name!r} does not take option(s) {', '.join(unknown)} "
            f"(it takes {takes})")
    merged = {**allowed, **options}
    block_size = merged.get("block_size", 64)
    if isinstance(block_size, bool) or not isinstance(block_size, int):
        raise TypeError(f"block_size must be an int, got {block_size!r}")
    return Spec(
        name,
        nf4_block_size=block_size,
        nf4_double_quant=bool(merged.get("double_quant", False)),
        mxfp4_layout=str(merged.get("layout", "ggml")),
        mxfp4_rule=str(merged.get("rule", "ocp")),
    )


def spec_options(spec: Spec) -> Dict[str, Any]:
    """The Python options that rebuild ``spec`` with :func:`make_spec` (the
    MXFP4 rule only matters to quantize; tensors read from files report the
    default)."""
    if spec.kind == "nf4":
        return {"block_size": spec.nf4_block_size,
                "double_quant": spec.nf4_double_quant}
    if spec.kind == "mxfp4":
        return {"layout": spec.mxfp4_layout, "rule": spec.mxfp4_rule}
    return {}

