"""The public API is documented: every exported function and class of quant4
and its submodules has a docstring, and functions have type hints."""

from __future__ import annotations

import importlib
import inspect
import os

import pytest

import quant4
from quant4 import gguf, safetensors, tensor

MODULES = [quant4, tensor, gguf, safetensors]
for _name in ("quant4.ir", "quant4.compiler"):
    # The MLIR half exists unless the build has no MLIR (then lit is not
    # running these tests either).
    try:
        MODULES.append(importlib.import_module(_name))
    except ImportError:
        if os.environ.get("QUANT4_EXPECT_MLIR") == "1":
            raise


def _exported():
    for module in MODULES:
        assert module.__doc__, module.__name__
        for name in getattr(module, "__all__", []):
            yield f"{module.__name__}.{name}", getattr(module, name)


@pytest.mark.parametrize("name,obj", list(_exported()))
def test_documented_and_typed(name, obj):
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return
    assert inspect.getdoc(obj), f"{name} has no docstring"
    if inspect.isfunction(obj):
        hints = obj.__annotations__
        assert "return" in hints, f"{name} has no return type hint"
        params = [p for p in inspect.signature(obj).parameters.values()
                  if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        missing = [p.name for p in params if p.name not in hints]
        assert not missing, f"{name}: parameters without hints {missing}"
