"""The built-in questionnaire instruments, and loading your own from a JSON file.

Instruments are data: versioned JSON files in the format described by the published JSON
Schema (:func:`instrument_schema`, also at ``piezomethod/data/instrument.schema.json``). The
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

>>> sorted(instruments())[:3]
['cbs-ervaren-gezondheid', 'cbs-geluk', 'mhi5']
>>> instrument("taalniveau").response_scale("taalniveau").option("A0").label.en
'A0 – beginner / literacy (Dutch practice, not a CEFR level)'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from piezomethod.errors import FieldError, InstrumentError
from piezomethod.outcomes import Instrument
from piezomethod.serialization import from_dict, from_json

__all__ = ["instrument", "instrument_schema", "instruments", "load_instrument"]

_DATA = resources.files("piezomethod") / "data"


def load_instrument(source: str | Path | bytes | Mapping[str, Any]) -> Instrument:
    """Load an instrument from a JSON file path, JSON text or bytes, or an already-parsed dict.

    Raises :class:`~piezomethod.errors.InstrumentError` listing every problem (JSON path and
    reason) when the definition is malformed, and ``OSError`` when a path cannot be read.
    """
    if isinstance(source, Mapping):
        return _as_instrument_error(lambda: from_dict(Instrument, dict(source)))
    if isinstance(source, Path):
        text: str | bytes = source.read_bytes()
    elif isinstance(source, str) and not source.lstrip().startswith("{"):
        text = Path(source).read_bytes()
    else:
        text = source
    return _as_instrument_error(lambda: from_json(Instrument, text))


def _as_instrument_error(load: Any) -> Instrument:
    try:
        result: Instrument = load()
    except InstrumentError:
        raise
    except FieldError:
        raise
    except Exception as exc:
        problems = getattr(exc, "problems", ())
        raise InstrumentError(str(exc), problems=problems, code="invalid_instrument") from None
    return result


@functools.cache
def instrument(instrument_id: str) -> Instrument:
    """A built-in instrument by id (see the table above)."""
    if instrument_id not in instruments():
        known = ", ".join(instruments())
        raise FieldError(
            f"no built-in instrument with that id; the built-ins are: {known}",
            code="unknown_instrument",
            field="instrument_id",
        )
    return load_instrument((_DATA / "instruments" / f"{instrument_id}.json").read_bytes())


@functools.cache
def instruments() -> tuple[str, ...]:
    """The ids of the built-in instruments."""
    folder = _DATA / "instruments"
    return tuple(
        sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    )


def instrument_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) for instrument files."""
    schema: dict[str, Any] = json.loads((_DATA / "instrument.schema.json").read_text("utf-8"))
    return schema
