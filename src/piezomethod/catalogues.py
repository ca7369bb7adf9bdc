"""The shipped catalogues: skills (extensible with an organisation's own) and the working
mechanisms framework.

>>> cat = skill_catalogue()
>>> cat.skill("op_tijd_komen").label.en
'being on time'
>>> sorted({s.category for s in cat.skills})[:3]
['digitaal', 'praktisch', 'soft_emotioneel']
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Mapping
from importlib import resources
from typing import Any

from piezomethod._checks import checked
from piezomethod.mechanisms import MechanismFramework
from piezomethod.passport import SkillCatalogue
from piezomethod.serialization import from_json, load

__all__ = ["load_skill_catalogue", "mechanism_framework", "skill_catalogue"]


@functools.cache
def skill_catalogue() -> SkillCatalogue:
    """The built-in skills catalogue (categories sourced, skills examples; see its notes)."""
    text = (resources.files("piezomethod") / "data" / "skills.json").read_bytes()
    return from_json(SkillCatalogue, text)


@checked
def load_skill_catalogue(
    source: os.PathLike[str] | str | bytes | Mapping[str, Any],
) -> SkillCatalogue:
    """Load a catalogue from a file (a ``pathlib.Path``), JSON text (``str`` or ``bytes``) or
    a parsed dict, in the format of the built-in ``data/skills.json``. A ``str`` is always JSON
    text, never a path. Extend the built-in catalogue with ``skill_catalogue().extend(...)``:
    ids that collide are refused."""
    return load(SkillCatalogue, source)


@functools.cache
def mechanism_framework() -> MechanismFramework:
    """The built-in framework: the six working mechanisms and the organisation checklist."""
    text = (resources.files("piezomethod") / "data" / "mechanisms.json").read_bytes()
    return from_json(MechanismFramework, text)


def mechanisms() -> MechanismFramework:
    """Deprecated: the built-in framework; use :func:`mechanism_framework`."""
    warnings.warn(
        "piezomethod.catalogues.mechanisms() is deprecated; use mechanism_framework()",
        DeprecationWarning,
        stacklevel=2,
    )
    return mechanism_framework()
