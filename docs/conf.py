"""Sphinx configuration for the piezomethod documentation.

The list of errors and codes on the "Errors and codes" page, and the table of table and column
names on "Bring your own data", are generated here from the library's own registry
(:class:`piezomethod.errors.Code`) and alias tables when the build starts, so they can never go
stale.
"""

from __future__ import annotations

from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

from piezomethod.dataset._names import alias_rows
from piezomethod.errors import CodeArea, PiezoError, codes

project = "piezomethod"
author = "piezomethod contributors"
release = _version("piezomethod")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

# No network in CI: intersphinx mappings stay empty so the build never fetches inventories.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "furo"
html_title = "piezomethod"
language = "en"

GENERATED = Path(__file__).parent / "_generated" / "codes.md"
NAMES = Path(__file__).parent / "_generated" / "names.md"


def _error_classes() -> list[type]:
    found: list[type] = []
    todo: list[type] = [PiezoError]
    while todo:
        cls = todo.pop(0)
        if not cls.__name__.startswith("_"):
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def codes_markdown() -> str:
    """The error classes and every registered code with its meaning, as Markdown."""
    lines = ["## The errors", ""]
    lines += ["| error | also a | default code | raised when |", "|---|---|---|---|"]
    for cls in _error_classes():
        builtin = [
            b
            for b in cls.__mro__[1:]
            if b.__module__ == "builtins" and b not in (Exception, BaseException, object)
        ]
        also = ", ".join(f"`{b.__name__}`" for b in builtin) or "—"
        doc = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        lines.append(f"| `{cls.__name__}` | {also} | `{cls.default_code.value}` | {doc} |")
    lines += ["", "## Every code", ""]
    lines += [
        "Each code has an area (the part of the library it belongs to) and a meaning in Dutch",
        "and in English, from `piezomethod.errors.Code`.",
        "",
    ]
    for area in CodeArea:
        lines += [f"### {area.value}", ""]
        lines += ["| code | betekenis (nl) | meaning (en) |", "|---|---|---|"]
        lines += [f"| `{c.value}` | {c.nl} | {c.en} |" for c in codes(area)]
        lines.append("")
    return "\n".join(lines)


def names_markdown() -> str:
    """Every table and column: its canonical (English) name and its Dutch names, as Markdown."""
    lines = ["| table | column (canonical) | Dutch names also read |", "|---|---|---|"]
    for table, column, aliases in alias_rows():
        shown = ", ".join(f"`{a}`" for a in aliases.split(", ") if a) or "—"
        if column:
            lines.append(f"| | `{column}` | {shown} |")
        else:
            lines.append(f"| **`{table}`** | *(the table)* | {shown} |")
    return "\n".join(lines)


def _write_codes(_app: Any) -> None:
    GENERATED.parent.mkdir(exist_ok=True)
    GENERATED.write_text(codes_markdown() + "\n", encoding="utf-8")
    NAMES.write_text(names_markdown() + "\n", encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _write_codes)
    return {"parallel_read_safe": True}
