"""Shared fixtures of the quant4 Python tests.

The golden vectors (made by ggml and bitsandbytes, never by quant4) come from
$QUANT4_GOLDEN_DIR, which lit sets; a missing directory is an error, not a
skip. $QUANT4_EXPECT_MLIR=1 (set by lit when the build has MLIR) makes a
missing quant4._mlir an error too.
"""

from __future__ import annotations

import os
import pathlib
import re
from typing import Dict, List, Tuple

import numpy as np
import pytest

GOLDEN_ENV = "QUANT4_GOLDEN_DIR"


def golden_dir() -> pathlib.Path:
    path = os.environ.get(GOLDEN_ENV)
    if not path:
        raise RuntimeError(f"set ${GOLDEN_ENV} to the golden vector directory "
                           "(with q4k/ mxfp4/ nf4/)")
    root = pathlib.Path(path)
    if not (root / "q4k" / "MANIFEST.txt").is_file():
        raise RuntimeError(f"${GOLDEN_ENV}={path} has no q4k/MANIFEST.txt")
    return root


def manifest_shapes(family: str) -> Dict[str, Tuple[int, ...]]:
    """case name -> shape, from the MANIFEST.txt of a golden family."""
    text = (golden_dir() / family / "MANIFEST.txt").read_text()
    shapes: Dict[str, Tuple[int, ...]] = {}
    case = None
    for line in text.splitlines():
        match = re.match(r"^case (\S+)", line)
        if match:
            case = match.group(1)
            continue
        match = re.match(r"^\s+shape: \[([\d, ]+)\]", line)
        if match and case and case not in shapes:
            shapes[case] = tuple(int(d) for d in match.group(1).split(","))
    return shapes


def golden_cases(family: str, suffix: str) -> List[str]:
    """Cases of `family` that have a file <case><suffix>, sorted."""
    shapes = manifest_shapes(family)
    return sorted(c for c in shapes
                  if (golden_dir() / family / f"{c}{suffix}").is_file())


def load(family: str, name: str, dtype: str) -> np.ndarray:
    return np.fromfile(golden_dir() / family / name, dtype=dtype)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit-identical float32 arrays (NaN payloads and -0 included)."""
    a = np.ascontiguousarray(a, dtype=np.float32).reshape(-1)
    b = np.ascontiguousarray(b, dtype=np.float32).reshape(-1)
    return a.shape == b.shape and bool(np.array_equal(a.view("<u4"),
                                                      b.view("<u4")))


@pytest.fixture(scope="session")
def golden() -> pathlib.Path:
    return golden_dir()
