"""The built-in questionnaire instruments, and loading your own from a JSON file.

Instruments are data: versioned JSON files in the format described by the published JSON
Schema (:func:`instrument_schema`, generated from the types like every wire schema). The
library ships these, each citing its source:

======================================  ===================================================
``piezo-effectmeting``                  the method's effect questionnaire, *reconstructed*
``mhi5``                                Mental Health Inventory-5 (CBS order and scoring)
``cbs-ervaren-gezondheid``              perceived health, zeer goed … zeer slecht
``rand36-algemene-gezondheid``          RAND-36 item 1, uitstekend … slecht → 100 … 0
``cbs-geluk``                           happiness 1-10 with the CBS banding
``participatieladder``                  the 6-rung participation ladder (derived rung)
``taalniveau``                          self-assessed Dutch per skill, A0 … C2
======================================  ===================================================

An organisation with its own exact questionnaire writes it in the same format and loads it
with :func:`load_instrument`; a malformed file is refused with every problem listed.

>>> instrument_ids()[:3]
('cbs-ervaren-gezondheid', 'cbs-geluk', 'mhi5')
>>> instrument("taalniveau").response_scale("taalniveau").option("A0").label.en
'A0 – beginner / literacy (Dutch practice, not a CEFR level)'
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Mapping
from importlib import resources
from typing import Any

from piezomethod._checks import checked
from piezomethod.errors import Code, FieldError, InstrumentError, SerializationError
from piezomethod.outcomes import Instrument
from piezomethod.serialization import load

__all__ = ["instrument", "instrument_ids", "instrument_schema", "load_instrument"]

_DATA = resources.files("piezomethod") / "data"


@checked
def load_instrument(source: os.PathLike[str] | str | bytes | Mapping[str, Any]) -> Instrument:
    """Load an instrument from a JSON file (a ``pathlib.Path``), JSON text (``str`` or
    ``bytes``) or an already-parsed dict. A ``str`` is always JSON text, never a path.

    Raises :class:`~piezomethod.errors.InstrumentError` listing every problem (JSON path and
    reason) when the definition is malformed, and a ``FieldError`` (code ``no_such_file``)
    when a file cannot be read.

    >>> from pathlib import Path
    >>> from piezomethod.errors import InstrumentError
    >>> try:
    ...     load_instrument("mhi5.json")  # text, not a path: wrap a path in Path(...)
    ... except InstrumentError as err:
    ...     print(err.code)
    invalid_json
    """
    try:
        return load(Instrument, source)
    except InstrumentError:
        raise
    except SerializationError as err:
        raise InstrumentError(err.message, problems=err.problems, code=err.code) from None


@functools.cache
def instrument(instrument_id: str) -> Instrument:
    """A built-in instrument by id (see the table above)."""
    if instrument_id not in instrument_ids():
        known = ", ".join(instrument_ids())
        raise FieldError(
            f"no built-in instrument with that id; the built-ins are: {known}",
            code=Code.UNKNOWN_INSTRUMENT,
            field="instrument_id",
        )
    return load_instrument((_DATA / "instruments" / f"{instrument_id}.json").read_bytes())


@functools.cache
def instrument_ids() -> tuple[str, ...]:
    """The ids of the built-in instruments, sorted."""
    folder = _DATA / "instruments"
    return tuple(
        sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    )


def instruments() -> tuple[str, ...]:
    """Deprecated: the ids of the built-in instruments; use :func:`instrument_ids`."""
    warnings.warn(
        "piezomethod.instruments.instruments() is deprecated; use instrument_ids()",
        DeprecationWarning,
        stacklevel=2,
    )
    return instrument_ids()


def instrument_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) for instrument files: the one generated from
    the types, as for every other wire type
    (:func:`piezomethod.serialization.wire_schemas`)."""
    from piezomethod.serialization import wire_schemas  # noqa: PLC0415 - it imports this module

    return wire_schemas()["instrument"]
