"""Exception types of quant4.

FormatError is raised for data that lib/Format rejects: malformed GGUF or
safetensors files, storage of the wrong size, invalid format parameters. It
is a ValueError, so ``except ValueError`` catches it too.
"""

from __future__ import annotations

from ._native import format_module

FormatError = format_module.FormatError
FormatError.__module__ = "quant4"
FormatError.__doc__ = (
    "Data rejected by lib/Format (malformed file, storage of the wrong size, "
    "bad format parameters); a ValueError. The message is the reader's."
)

__all__ = ["FormatError"]
