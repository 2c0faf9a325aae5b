"""QuantizedTensor and the quantize / dequantize entry points.

A QuantizedTensor is a logical float tensor stored in a blocked 4-bit format:
its ``storage`` is the planar byte layout of lib/Format (Layout.h), and every
plane ("blocks", "codes", "absmax", "scales", ...) is available as a numpy
view into that storage. Quantize and dequantize run lib/Format's own code,
so the bytes and floats are those of q4-quant and the compiler.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from ._native import format_module as _native
from .formats import Spec, make_spec, spec_options

#: Planes whose bytes are float32 values.
_FLOAT_PLANES = {"absmax", "absmax2", "offset"}

DTypeLike = Union[str, type, np.dtype]


def _element_count(shape: Tuple[int, ...]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count


def _check_shape(shape: Sequence[int]) -> Tuple[int, ...]:
    try:
        dims = tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(
            f"shape must be a sequence of ints, got {shape!r}") from None
    if not dims:
        raise ValueError("a quantized tensor needs at least one dimension")
    if any(d <= 0 for d in dims):
        raise ValueError(f"shape {dims} has a non-positive dimension")
    return dims


def _check_blocks(spec: Spec, shape: Tuple[int, ...]) -> None:
    """Blocks run along the last axis (NF4: over the flattened tensor)."""
    if spec.kind == "nf4":
        return
    if shape[-1] % spec.block_size:
        raise ValueError(
            f"{spec.describe()} stores blocks of {spec.block_size} values "
            f"along the last axis; shape {shape} has a last dimension of "
            f"{shape[-1]}, not a multiple of {spec.block_size}")


class QuantizedTensor:
    """A float tensor of ``shape`` stored in a blocked format.

    Attributes:
        spec: the native format spec (``spec.describe()`` names it).
        shape: logical shape, outermost dimension first.
        storage: planar storage bytes (1-D uint8, possibly a read-only view
            into a memory-mapped file).
    """

    def __init__(self, spec: Spec, shape: Sequence[int],
                 storage: np.ndarray) -> None:
        """Wraps existing planar ``storage`` (not copied).

        Raises:
            TypeError: storage is not a uint8 array.
            ValueError: bad shape, or storage of the wrong size.
        """
        self.spec: Spec = spec
        self.shape: Tuple[int, ...] = _check_shape(shape)
        _check_blocks(spec, self.shape)
        if not isinstance(storage, np.ndarray) or storage.dtype != np.uint8:
            raise TypeError("storage must be a numpy uint8 array, got "
                            f"{getattr(storage, 'dtype', type(storage))}")
        storage = storage.reshape(-1)
        expected = spec.storage_bytes(self.size)
        if storage.size != expected:
            raise ValueError(
                f"{spec.describe()} of shape {self.shape} takes {expected} "
                f"storage bytes, got {storage.size}")
        self.storage: np.ndarray = storage

    # -- construction ------------------------------------------------------

    @classmethod
    def from_storage(cls, storage: np.ndarray, shape: Sequence[int],
                     format: Union[str, Spec], **options: Any
                     ) -> "QuantizedTensor":
        """Wraps planar storage bytes (as Layout.h lays them out)."""
        return cls(make_spec(format, **options), shape, storage)

    @classmethod
    def from_planes(cls, planes: Mapping[str, np.ndarray],
                    shape: Sequence[int], format: Union[str, Spec],
                    **options: Any) -> "QuantizedTensor":
        """Builds a tensor from its planes given separately (copied).

        ``planes`` maps every plane name of the format (see
        :attr:`plane_names`) to an array of its bytes (any dtype: its raw
        bytes are used; float planes are float32). A plane may be shorter
        than the layout's (NF4 codes of an odd or partial last block); it is
        zero-padded.

        Raises:
            ValueError: a plane is missing, unknown or too large.
        """
        spec = make_spec(format, **options)
        dims = _check_shape(shape)
        table = spec.planes(_element_count(dims))
        names = [name for name, _, _ in table]
        extra = sorted(set(planes) - set(names))
        missing = [name for name in names if name not in planes]
        if extra or missing:
            raise ValueError(
                f"{spec.describe()} has planes {names}; missing {missing}, "
                f"unknown {extra}")
        storage = np.zeros(table[-1][1] + table[-1][2], dtype=np.uint8)
        for name, offset, size in table:
            raw = np.ascontiguousarray(planes[name]).reshape(-1).view(np.uint8)
            if raw.size > size:
                raise ValueError(
                    f"plane {name!r} has {raw.size} bytes; {spec.describe()} "
                    f"of shape {dims} takes {size}")
            storage[offset:offset + raw.size] = raw
        return cls(spec, dims, storage)

    # -- properties --------------------------------------------------------

    @property
    def format(self) -> str:
        """The format name: "q4_k", "nf4", "mxfp4", "q4_0" or "q8_0"."""
        return self.spec.kind

    @property
    def options(self) -> Dict[str, Any]:
        """The format options (block_size, double_quant, layout, rule)."""
        return spec_options(self.spec)

    @property
    def size(self) -> int:
        """Number of logical values."""
        return _element_count(self.shape)

    @property
    def nbytes(self) -> int:
        """Storage bytes."""
        return int(self.storage.size)

    @property
    def bits_per_weight(self) -> float:
        """Storage bits per logical value."""
        return 8.0 * self.nbytes / self.size

    @property
    def plane_names(self) -> Tuple[str, ...]:
        """Names of the storage planes, in storage order."""
        return tuple(name for name, _, _ in self.spec.planes(self.size))

    @property
    def planes(self) -> Dict[str, np.ndarray]:
        """Every plane as a numpy view into the storage (no copy).

        Planes of several bytes per block are uint8 of shape (blocks, bytes
        per block) (Q4_K "blocks": (n/256, 144), NF4 "codes": (blocks,
        block_size/2)); "absmax", "absmax2" and "offset" are float32; one
        byte per block (MXFP4 "scales", NF4 "qabsmax") is 1-D uint8.
        """
        views: Dict[str, np.ndarray] = {}
        blocks = -(-self.size // self.spec.block_size)
        for name, offset, size in self.spec.planes(self.size):
            view = self.storage[offset:offset + size]
            if name in _FLOAT_PLANES:
                view = view.view("<f4")
            elif size > blocks and size % blocks == 0:
                view = view.reshape(blocks, -1)
            views[name] = view
        return views

    def plane(self, name: str) -> np.ndarray:
        """One plane (see :attr:`planes`).

        Raises:
            KeyError: the format has no plane of that name.
        """
        planes = self.planes
        if name not in planes:
            raise KeyError(f"{self.spec.describe()} has no plane {name!r}; "
                           f"its planes are {list(planes)}")
        return planes[name]

    @property
    def scales(self) -> np.ndarray:
        """MXFP4 E8M0 scale bytes, one per 32-value block (a view: the HF
        "scales" plane, or byte 0 of every ggml 17-byte block)."""
        if self.spec.kind != "mxfp4":
            raise AttributeError(f"{self.spec.describe()} has no separate "
                                 "scales; see .planes")
        if self.spec.mxfp4_layout == "hf":
            return self.plane("scales")
        return self.plane("blocks")[:, 0]

    @property
    def absmax(self) -> np.ndarray:
        """NF4 absmax per block (float32): a view of the "absmax" plane, or
        with double quantization the decompressed values (a new array)."""
        if self.spec.kind != "nf4":
            raise AttributeError(f"{self.spec.describe()} has no absmax")
        if not self.spec.nf4_double_quant:
            return self.plane("absmax")
        return _native.nf4_absmax(self.spec, self.storage, self.size)

    # -- conversion --------------------------------------------------------

    def dequantize(self, dtype: DTypeLike = np.float32) -> np.ndarray:
        """Decodes to a float array of :attr:`shape`.

        Args:
            dtype: ``np.float32`` (lib/Format's result, bit-exact with
                ggml / bitsandbytes), ``np.float16`` or ``np.float64``
                (converted from it), or ``"bfloat16"``: the bfloat16 bit
                patterns as uint16 (numpy has no bfloat16 type), rounded to
                nearest even as ggml does.

        Raises:
            TypeError: an unsupported dtype.
        """
        values = _native.dequantize(self.spec, self.storage, self.size)
        if isinstance(dtype, str) and dtype.lower() in ("bfloat16", "bf16"):
            return _native.float_to_bf16(values).reshape(self.shape)
        try:
            target = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"unsupported dtype {dtype!r}") from None
        if target == np.float32:
            return values.reshape(self.shape)
        if target == np.float16:
            return _native.float_to_fp16(values).view(np.float16).reshape(
                self.shape)
        if target == np.float64:
            return values.astype(np.float64).reshape(self.shape)
        raise TypeError(f"dequantize produces float32, float16, float64 or "
                        f"'bfloat16', not {target}")

    def __array__(self, dtype: Optional[DTypeLike] = None,
                  copy: Optional[bool] = None) -> np.ndarray:
        """``np.asarray(q)`` dequantizes (always a new array)."""
        return self.dequantize(np.float32 if dtype is None else dtype)

    def __repr__(self) -> str:
        return (f"QuantizedTensor({self.spec.describe()}, shape={self.shape}, "
                f"{self.nbytes} bytes)")


def _as_float_array(array: Any) -> np.ndarray:
    if isinstance(array, QuantizedTensor):
        raise TypeError("the array is already quantized; dequantize it first")
    values = np.asarray(array)
    if values.dtype.kind != "f":
        raise TypeError(
            f"quantize expects a floating-point array (float16/32/64), got "
            f"dtype {values.dtype}")
    if values.ndim == 0:
        raise ValueError("quantize expects an array of at least one "
                         "dimension, got a scalar")
    if values.size == 0:
        raise ValueError(f"quantize expects a non-empty array, got shape "
                         f"{values.shape}")
    return values


def quantize(array: Any, format: Union[str, Spec] = "q4_k",
             **options: Any) -> QuantizedTensor:
    """Quantizes a float array with lib/Format.

    Args:
        array: a numpy array (or array-like) of float16/32/64 values.
            Blocks run along the last axis (NF4: over the flattened array,
            as bitsandbytes does, so any length works).
        format: ``"q4_k"`` (256-value super-blocks), ``"nf4"``, ``"mxfp4"``
            (32-value blocks), ``"q4_0"``, ``"q8_0"``.
        **options: nf4: ``block_size=64``, ``double_quant=False``; mxfp4:
            ``layout="ggml" | "hf"``, ``rule="ocp" | "ggml" | "optimal"``.

    Returns:
        The QuantizedTensor (storage bit-exact with ggml / bitsandbytes for
        the corresponding rules).

    Raises:
        TypeError: non-float input or an option the format does not take.
        ValueError: unknown format, bad option value, or a last dimension
            that is not a whole number of blocks.
    """
    spec = make_spec(format, **options)
    values = _as_float_array(array)
    shape = tuple(values.shape)
    _check_blocks(spec, shape)
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    return QuantizedTensor(spec, shape, _native.quantize(spec, flat))


def dequantize(tensor: QuantizedTensor,
               dtype: DTypeLike = np.float32) -> np.ndarray:
    """Decodes a QuantizedTensor; see :meth:`QuantizedTensor.dequantize`."""
    if not isinstance(tensor, QuantizedTensor):
        raise TypeError(f"dequantize expects a QuantizedTensor, got "
                        f"{type(tensor).__name__}")
    return tensor.dequantize(dtype)
