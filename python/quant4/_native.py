"""Loads the native extension modules with a clear message when missing."""

from __future__ import annotations

import importlib
from types import ModuleType


def load(name: str, what: str) -> ModuleType:
    """Imports ``quant4.<name>``; ImportError says how to build it."""
    try:
        return importlib.import_module(f"quant4.{name}")
    except ImportError as err:
        raise ImportError(
            f"quant4.{name} ({what}) is not available: {err}. Build it with "
            f"`ninja -C <build> quant4-python` and put <build>/python on "
            f"PYTHONPATH, or install the package (see python/README.md)."
        ) from err


format_module = load("_format", "the lib/Format bindings")
