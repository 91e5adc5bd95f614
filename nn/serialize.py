"""``save``/``load``: a model's architecture and exact parameters as a JSON file.

The format is in :mod:`nn.model_file`, writing in :mod:`nn.saving` (atomic, never
following a planted link) and reading in :mod:`nn.loading` (every entry checked
before anything is built). This module gathers them under their public names.
"""

from nn.loading import PARAMETER_COUNTS, load
from nn.model_file import FORMAT, MAX_BYTES, MAX_COUNT, VERSION, SerializationError
from nn.model_file import _digest as _digest  # the checksum, for tests that forge a file
from nn.saving import save

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "MAX_COUNT",
    "PARAMETER_COUNTS",
    "VERSION",
    "SerializationError",
    "load",
    "save",
]
