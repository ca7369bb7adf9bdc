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
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from piezomethod.mechanisms import MechanismFramework
from piezomethod.passport import SkillCatalogue
from piezomethod.serialization import from_dict, from_json

__all__ = ["load_skill_catalogue", "mechanisms", "skill_catalogue"]


@functools.cache
def skill_catalogue() -> SkillCatalogue:
    """The built-in skills catalogue (categories sourced, skills examples; see its notes)."""
    text = (resources.files("piezomethod") / "data" / "skills.json").read_bytes()
    return from_json(SkillCatalogue, text)


def load_skill_catalogue(source: str | Path | bytes | Mapping[str, Any]) -> SkillCatalogue:
    """Load a catalogue from a path, JSON text or bytes, or a parsed dict (same format as the
    built-in ``data/skills.json``). Extend the built-in one with ``skill_catalogue().extend(...)``:
    ids that collide are refused."""
    if isinstance(source, Mapping):
        return from_dict(SkillCatalogue, dict(source))
    if isinstance(source, Path) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        return from_json(SkillCatalogue, Path(source).read_bytes())
    return from_json(SkillCatalogue, source)


@functools.cache
def mechanisms() -> MechanismFramework:
    """The built-in framework: the six working mechanisms and the organisation checklist."""
    text = (resources.files("piezomethod") / "data" / "mechanisms.json").read_bytes()
    return from_json(MechanismFramework, text)
