"""GGUF files (ggml / llama.cpp): read with zero-copy views, write.

``read`` memory-maps the file through lib/Format's GGUF reader. Tensors in a
format lib/Format knows (Q4_K, MXFP4, Q4_0, Q8_0) come back as
:class:`~quant4.QuantizedTensor` whose storage is a read-only view into the
mapping; float and integer tensors as read-only numpy views (bf16 as its
uint16 bit patterns: numpy has no bfloat16); any other ggml type as a
:class:`RawTensor`. The mapping lives as long as any view of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, NamedTuple, Optional, Tuple, Union

import numpy as np

from ._native import format_module as _native
from .tensor import QuantizedTensor

PathLike = Union[str, "os.PathLike[str]"]

#: ggml element types that are plain numpy dtypes (bf16 as raw uint16 bits).
_NUMPY_TYPES: Dict[str, str] = {
    "f32": "<f4", "f16": "<f2", "bf16": "<u2", "f64": "<f8",
    "i8": "i1", "i16": "<i2", "i32": "<i4", "i64": "<i8",
}
#: numpy dtype -> ggml type name for writing.
_GGML_TYPES: Dict[str, str] = {
    "float32": "f32", "float16": "f16", "float64": "f64",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    # GGUF has no u16 type: uint16 arrays are bf16 bit patterns, as read
    # returns bf16 tensors.
    "uint16": "bf16",
}
#: numpy dtype -> GGUF metadata element type.
_VALUE_TYPES: Dict[str, str] = {
    "uint8": "u8", "int8": "i8", "uint16": "u16", "int16": "i16",
    "uint32": "u32", "int32": "i32", "uint64": "u64", "int64": "i64",
    "float32": "f32", "float64": "f64", "bool": "bool",
}
_NUMPY_VALUE_DTYPES = {v: k for k, v in _VALUE_TYPES.items()}


class Value(NamedTuple):
    """A metadata value with an explicit GGUF type: a scalar type ("u8",
    "i32", "f32", "bool", "str", ...), or "arr[<type>]" for arrays (numbers
    as numpy arrays, strings as lists, nested arrays as lists of Value)."""

    type: str
    value: Any


@dataclass
class RawTensor:
    """A tensor of a ggml type quant4 does not decode (e.g. q6_K)."""

    ggml_type: str
    shape: Tuple[int, ...]
    data: np.ndarray  #: its bytes, a read-only view into the file


Tensor = Union[np.ndarray, QuantizedTensor, RawTensor]


@dataclass
class GGUFFile:
    """What :func:`read` returns."""

    path: str
    version: int
    alignment: int
    #: Metadata as plain Python values, in file order.
    metadata: Dict[str, Any] = field(default_factory=dict)
    #: The GGUF type of every metadata value ("u32", "arr[str]", ...).
    metadata_types: Dict[str, str] = field(default_factory=dict)
    #: Tensors in file order.
    tensors: Dict[str, Tensor] = field(default_factory=dict)
    #: ggml type name of every tensor ("q4_K", "f32", ...).
    tensor_types: Dict[str, str] = field(default_factory=dict)

    def typed_metadata(self) -> Dict[str, Value]:
        """Metadata as :class:`Value` (types kept, for :func:`write`)."""
        return {k: _typed_from_plain(self.metadata_types[k], v)
                for k, v in self.metadata.items()}


def _plain(typed: Tuple[str, Any]) -> Any:
    kind, value = typed
    if kind == "arr[arr]":
        return [_plain(v) for v in value]
    return value


def _typed_from_plain(kind: str, value: Any) -> Value:
    if kind == "arr[arr]":
        return Value(kind, [_infer(v) for v in value])
    return Value(kind, value)


def _tensor(entry: Dict[str, Any]) -> Tensor:
    shape = tuple(entry["shape"])
    data: np.ndarray = entry["data"]
    if entry["format"] is not None:
        return QuantizedTensor(entry["format"], shape, data)
    dtype = _NUMPY_TYPES.get(entry["ggml_type"])
    if dtype is None:
        return RawTensor(entry["ggml_type"], shape, data)
    return data.view(dtype).reshape(shape)


def read(path: PathLike) -> GGUFFile:
    """Maps and parses a GGUF (v2 or v3) file.

    Raises:
        quant4.FormatError: the file is not a well-formed GGUF file (the
            message is the reader's, naming the file).
        OSError: the file cannot be opened.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    raw = _native.gguf_read(path)
    result = GGUFFile(path, raw["version"], raw["alignment"])
    for key, typed in raw["metadata"]:
        result.metadata[key] = _plain(typed)
        result.metadata_types[key] = typed[0]
    for entry in raw["tensors"]:
        result.tensors[entry["name"]] = _tensor(entry)
        result.tensor_types[entry["name"]] = entry["ggml_type"]
    return result


def _infer(value: Any) -> Value:
    """The GGUF type of a plain Python / numpy value (ints: u32 when they
    fit, as llama.cpp's keys expect, else i32 / i64 / u64; floats: f32)."""
    if isinstance(value, Value):
        return value
    if isinstance(value, (bool, np.bool_)):
        return Value("bool", bool(value))
    if isinstance(value, np.generic):
        return Value(_VALUE_TYPES[value.dtype.name], value.item())
    if isinstance(value, int):
        if 0 <= value < 2**32:
            return Value("u32", value)
        if -2**31 <= value < 2**31:
            return Value("i32", value)
        return Value("i64" if value < 0 or value < 2**63 else "u64", value)
    if isinstance(value, float):
        return Value("f32", value)
    if isinstance(value, str):
        return Value("str", value)
    if isinstance(value, np.ndarray):
        if value.dtype.name not in _VALUE_TYPES:
            raise TypeError(f"no GGUF array type for dtype {value.dtype}")
        return Value(f"arr[{_VALUE_TYPES[value.dtype.name]}]", value)
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return Value("arr[str]", list(value))
        if value and all(isinstance(v, (list, tuple, np.ndarray, Value))
                         for v in value):
            return Value("arr[arr]", [_infer(v) for v in value])
        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
        elif array.dtype.kind in "iu" and array.dtype.itemsize == 8 and \
                array.size and array.min() >= -2**31 and array.max() < 2**31:
            array = array.astype(np.int32)
        return _infer(array)
    raise TypeError(f"no GGUF type for metadata value {value!r}")


def _encode(value: Value) -> Tuple[str, Any]:
    kind, payload = value
    if kind == "arr[arr]":
        return kind, [_encode(_infer(v)) for v in payload]
    if kind == "arr[bool]":
        return kind, np.asarray(payload, dtype=np.uint8)
    if kind.startswith("arr[") and kind != "arr[str]":
        dtype = _NUMPY_VALUE_DTYPES.get(kind[4:-1])
        if dtype is None:
            raise ValueError(f"unknown GGUF array type {kind!r}")
        return kind, np.ascontiguousarray(payload, dtype=np.dtype(dtype)
                                          .newbyteorder("<"))
    return kind, payload


def _tensor_entry(name: str, tensor: Any) -> Tuple[str, str, list, np.ndarray]:
    if isinstance(tensor, QuantizedTensor):
        if tensor.format == "nf4" or (tensor.format == "mxfp4" and
                                      tensor.spec.mxfp4_layout != "ggml"):
            raise ValueError(
                f"tensor {name!r}: GGUF has no type for "
                f"{tensor.spec.describe()}; GGUF stores q4_k, q4_0, q8_0 and "
                f"mxfp4 with layout='ggml'")
        return (name, tensor.format, list(reversed(tensor.shape)),
                tensor.storage)
    if isinstance(tensor, RawTensor):
        return (name, tensor.ggml_type, list(reversed(tensor.shape)),
                tensor.data)
    array = np.asarray(tensor)
    ggml_type = _GGML_TYPES.get(array.dtype.name)
    if ggml_type is None:
        raise TypeError(f"tensor {name!r}: GGUF has no type for numpy dtype "
                        f"{array.dtype}")
    if array.ndim == 0 or array.ndim > 4:
        raise ValueError(f"tensor {name!r}: GGUF tensors have 1 to 4 "
                         f"dimensions, got shape {array.shape}")
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return name, ggml_type, list(reversed(array.shape)), array


def write(path: PathLike, tensors: Mapping[str, Tensor],
          metadata: Optional[Mapping[str, Any]] = None) -> None:
    """Writes a GGUF v3 file (laid out as ggml's writer does).

    Args:
        tensors: name -> numpy array (float16/32/64, int8..64; uint16 is
            written as bf16 bit patterns),
            QuantizedTensor (q4_k, q4_0, q8_0, mxfp4 with the ggml layout) or
            RawTensor. Shapes are row-major (ggml's ne is the reverse).
        metadata: key -> value; plain values get a type by :func:`_infer`
            (int -> u32 when it fits, float -> f32, str, bool, lists, numpy
            arrays and scalars by dtype); use :class:`Value` for another type.
            "general.alignment" (u32) sets the data alignment.

    Raises:
        TypeError: a tensor or value with no GGUF type.
        ValueError / quant4.FormatError: a value lib/Format rejects.
    """
    entries = [(key, _encode(_infer(value)))
               for key, value in (metadata or {}).items()]
    _native.gguf_write(os.fspath(path), entries,
                       [_tensor_entry(n, t) for n, t in tensors.items()])


__all__ = ["GGUFFile", "RawTensor", "Value", "read", "write"]
