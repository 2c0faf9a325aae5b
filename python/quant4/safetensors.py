"""safetensors files: read with zero-copy views, write.

``read`` memory-maps the file through lib/Format's safetensors reader. Plain
tensors come back as read-only numpy views into the mapping (bf16 as uint16
bit patterns, F8/F4/F6 types as raw uint8). Quantized weights that
checkpoints store as several tensors are recognised by lib/Format and come
back as one :class:`~quant4.QuantizedTensor` under the weight's name:

* bitsandbytes NF4 (``W``, ``W.absmax``, ``W.quant_map``,
  ``W.quant_state.bitsandbytes__nf4``, with double quantization also
  ``W.nested_absmax`` / ``W.nested_quant_map``);
* gpt-oss / Hugging Face MXFP4 (``W.blocks`` [..., G, 16] and ``W.scales``
  [..., G]; also ``W_blocks`` / ``W_scales``).

Their planes are stored apart in the file, so their storage is assembled (a
copy); the individual tensors remain available in ``raw_tensors``.
``write`` stores QuantizedTensors the same way, so files round-trip.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from ._native import format_module as _native
from .tensor import QuantizedTensor

PathLike = Union[str, "os.PathLike[str]"]

#: safetensors dtype -> numpy dtype of the views (raw bytes for F8/F6/F4).
_NUMPY_TYPES: Dict[str, str] = {
    "BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2",
    "F16": "<f2", "BF16": "<u2", "I32": "<i4", "U32": "<u4", "F32": "<f4",
    "C64": "<c8", "F64": "<f8", "I64": "<i8", "U64": "<u8",
}
#: numpy dtype name -> safetensors dtype for writing.
_DTYPES: Dict[str, str] = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16",
    "uint16": "U16", "float16": "F16", "int32": "I32", "uint32": "U32",
    "float32": "F32", "complex64": "C64", "float64": "F64", "int64": "I64",
    "uint64": "U64",
}
#: bitsandbytes' quant state tensor suffix (Params4bit, nf4).
_NF4_STATE = ".quant_state.bitsandbytes__nf4"

Tensor = Union[np.ndarray, QuantizedTensor]


@dataclass
class SafetensorsFile:
    """What :func:`read` returns."""

    path: str
    #: The "__metadata__" string map.
    metadata: Dict[str, str] = field(default_factory=dict)
    #: Plain tensors, and one QuantizedTensor per recognised group.
    tensors: Dict[str, Tensor] = field(default_factory=dict)
    #: Every tensor stored in the file, as a view (including group parts).
    raw_tensors: Dict[str, np.ndarray] = field(default_factory=dict)
    #: safetensors dtype name of every stored tensor.
    dtypes: Dict[str, str] = field(default_factory=dict)


def _view(entry: Dict[str, Any]) -> np.ndarray:
    data: np.ndarray = entry["data"]
    shape = tuple(entry["shape"])
    dtype = _NUMPY_TYPES.get(entry["dtype"])
    if dtype is None:  # sub-byte or 8-bit float types: the raw bytes
        return data
    return data.view(dtype).reshape(shape)


def read(path: PathLike) -> SafetensorsFile:
    """Maps and parses a safetensors file.

    Raises:
        quant4.FormatError: malformed file or an inconsistent quantized
            group (the message is the reader's, naming the file).
        FileNotFoundError: no such file.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    raw = _native.safetensors_read(path)
    result = SafetensorsFile(path, dict(raw["metadata"]))
    members = set()
    groups: Dict[str, QuantizedTensor] = {}
    for group in raw["quantized"]:
        members.update(group["members"])
        groups[group["name"]] = QuantizedTensor.from_planes(
            group["planes"], group["shape"], group["format"])
    for entry in raw["tensors"]:
        view = _view(entry)
        result.raw_tensors[entry["name"]] = view
        result.dtypes[entry["name"]] = entry["dtype"]
        if entry["name"] not in members:
            result.tensors[entry["name"]] = view
    result.tensors.update(groups)
    return result


def _nf4_entries(name: str,
                 q: QuantizedTensor) -> List[Tuple[str, np.ndarray]]:
    """bitsandbytes' Params4bit tensors of an NF4 weight."""
    planes = q.planes
    state: Dict[str, Any] = {
        "quant_type": "nf4",
        "blocksize": q.spec.nf4_block_size,
        "dtype": "float32",
        "shape": list(q.shape),
    }
    codes = planes["codes"].reshape(-1)[:(q.size + 1) // 2]
    entries = [(name, codes.reshape(-1, 1)),
               (name + ".quant_map", _native.nf4_codebook())]
    if q.spec.nf4_double_quant:
        state.update(nested_blocksize=256, nested_dtype="float32",
                     nested_offset=float(planes["offset"][0]))
        entries += [(name + ".absmax", planes["qabsmax"]),
                    (name + ".nested_absmax", planes["absmax2"]),
                    (name + ".nested_quant_map", _native.dynamic_map())]
    else:
        entries.append((name + ".absmax", planes["absmax"]))
    text = json.dumps(state, separators=(",", ":")).encode()
    entries.append((name + _NF4_STATE, np.frombuffer(text, np.uint8)))
    return entries


def _entries(name: str, tensor: Any) -> List[Tuple[str, np.ndarray]]:
    if not isinstance(tensor, QuantizedTensor):
        return [(name, np.asarray(tensor))]
    if tensor.format == "nf4":
        return _nf4_entries(name, tensor)
    if tensor.format == "mxfp4" and tensor.spec.mxfp4_layout == "hf":
        groups = tensor.shape[:-1] + (tensor.shape[-1] // 32,)
        return [(name + ".blocks", tensor.planes["blocks"].reshape(
                    groups + (16,))),
                (name + ".scales", tensor.scales.reshape(groups))]
    raise ValueError(
        f"tensor {name!r}: safetensors checkpoints have no convention for "
        f"{tensor.spec.describe()}; nf4 and mxfp4 with layout='hf' can be "
        f"stored")


def write(path: PathLike, tensors: Mapping[str, Tensor],
          metadata: Optional[Mapping[str, str]] = None,
          dtypes: Optional[Mapping[str, str]] = None) -> None:
    """Writes a safetensors file (laid out as the reference writer does).

    Args:
        tensors: name -> numpy array, or QuantizedTensor in NF4 (stored as
            bitsandbytes does) or MXFP4 with layout="hf" (``.blocks`` /
            ``.scales`` as gpt-oss does).
        metadata: the "__metadata__" string map.
        dtypes: safetensors dtype names overriding the one implied by a
            plain array's numpy dtype, for data numpy cannot type: e.g.
            ``{"w": "BF16"}`` for uint16 bit patterns, or
            :attr:`SafetensorsFile.dtypes` of a file being re-written. The
            element size must match.

    Raises:
        TypeError: a dtype safetensors cannot store, non-string metadata.
        ValueError: a quantized format with no safetensors convention.
    """
    entries = []
    for name, tensor in tensors.items():
        for part, array in _entries(name, tensor):
            dtype = _DTYPES.get(array.dtype.name)
            if dtypes and part in dtypes and \
                    not isinstance(tensor, QuantizedTensor):
                dtype = dtypes[part]
            if dtype is None:
                raise TypeError(f"tensor {part!r}: safetensors has no dtype "
                                f"for numpy {array.dtype}")
            array = np.ascontiguousarray(array,
                                         dtype=array.dtype.newbyteorder("<"))
            entries.append((part, dtype, list(array.shape), array))
    meta = dict(metadata or {})
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("safetensors metadata maps str to str, got "
                            f"{key!r}: {value!r}")
    _native.safetensors_write(os.fspath(path), meta, entries)


__all__ = ["SafetensorsFile", "read", "write"]
