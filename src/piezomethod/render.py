"""Rendering for people: a portfolio, and a printable working-mechanisms checklist per phase,
as Markdown or as a standalone HTML page (a portfolio as JSON is
:func:`piezomethod.serialization.to_json`). Everything is escaped; nothing is fetched.

>>> from datetime import date
>>> from piezomethod.consent import Portfolio
>>> p = Portfolio(
...     participant_id="p-1",
...     recipient="employer",
...     purpose="sollicitatie",
...     lang="en",
...     issued_on=date(2022, 10, 1),
...     skills=(),
...     placements=(),
... )
>>> print(portfolio_markdown(p).splitlines()[0])
# Portfolio
"""

from __future__ import annotations

import html
import re

from piezomethod._checks import checked, to_enum
from piezomethod._i18n import Lang, check_lang
from piezomethod.consent import Portfolio
from piezomethod.mechanisms import ChecklistItem, ItemStatus, Level, MechanismFramework
from piezomethod.phases import Phase

__all__ = ["checklist_html", "checklist_markdown", "portfolio_html", "portfolio_markdown"]

_WORDS = {
    "nl": {
        "title": "Portfolio",
        "for": "Voor",
        "purpose": "Doel",
        "issued": "Datum",
        "skills": "Verworven vaardigheden",
        "placements": "Plaatsingen",
        "none": "Nog niets om te tonen.",
        "skill": "Vaardigheid",
        "category": "Soort",
        "phase": "Fase",
        "achieved": "Behaald op",
        "evidence": "Bewijs",
        "kind": "Soort plaatsing",
        "organisation": "Organisatie",
        "period": "Periode",
        "hours": "Uur per week",
        "practised": "Geoefende vaardigheden",
        "ongoing": "loopt nog",
        "confirmed": "bevestigd door",
    },
    "en": {
        "title": "Portfolio",
        "for": "For",
        "purpose": "Purpose",
        "issued": "Date",
        "skills": "Skills acquired",
        "placements": "Placements",
        "none": "Nothing to show yet.",
        "skill": "Skill",
        "category": "Kind",
        "phase": "Phase",
        "achieved": "Achieved on",
        "evidence": "Evidence",
        "kind": "Kind of placement",
        "organisation": "Organisation",
        "period": "Period",
        "hours": "Hours per week",
        "practised": "Skills practised",
        "ongoing": "ongoing",
        "confirmed": "confirmed by",
    },
}


def _sections(p: Portfolio) -> list[tuple[str, list[str], list[list[str]]]]:
    """The portfolio's tables, each a title, a header row and the rows, in its language."""
    w = _WORDS[p.lang]
    skills = [
        [
            s.label,
            s.category,
            str(int(s.phase)),
            s.achieved_on.isoformat(),
            "; ".join(
                f"{e.kind_label} ({w['confirmed']} {e.confirmed_by_label}, {e.confirmed_on})"
                for e in s.evidence
            ),
        ]
        for s in p.skills
    ]
    placements = [
        [
            pl.kind_label,
            pl.organisation,
            str(int(pl.phase)),
            f"{pl.start} – {pl.end or w['ongoing']}",
            "" if pl.hours_per_week is None else f"{pl.hours_per_week:g}",
            ", ".join(pl.skills),
        ]
        for pl in p.placements
    ]
    return [
        (
            w["skills"],
            [w["skill"], w["category"], w["phase"], w["achieved"], w["evidence"]],
            skills,
        ),
        (
            w["placements"],
            [w["kind"], w["organisation"], w["phase"], w["period"], w["hours"], w["practised"]],
            placements,
        ),
    ]


# What can start Markdown syntax inside a line: emphasis, code, links and images (brackets),
# autolinks and HTML (angle brackets), entities, table cells, strikethrough, and the escape
# itself. Values never stand at the start of a line, so block syntax (#, -, >, 1.) cannot start.
_MD_SYNTAX = re.compile(r"([\\`*_\[\]<>&|~!])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def _md_escape(text: str) -> str:
    """Text as literal Markdown: every character that could start inline syntax is
    backslash-escaped (as CommonMark allows for any ASCII punctuation), so no value can become
    a link, an image, HTML or a table cell border, and line breaks are folded to spaces so no
    value can start a block of its own."""
    return _MD_SYNTAX.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


@checked
def portfolio_markdown(p: Portfolio) -> str:
    """The portfolio as Markdown, in the portfolio's language."""
    w = _WORDS[p.lang]
    out = [
        f"# {w['title']}",
        "",
        f"- {w['for']}: {_md_escape(p.recipient)}",
        f"- {w['purpose']}: {_md_escape(p.purpose)}",
        f"- {w['issued']}: {_md_escape(p.issued_on.isoformat())}",
        "",
    ]
    for title, head, rows in _sections(p):
        out += [f"## {title}", ""]
        if not rows:
            out += [w["none"], ""]
            continue
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
"""


@checked
def portfolio_html(p: Portfolio) -> str:
    """The portfolio as one standalone HTML page (inline CSS, no scripts, nothing fetched)."""
    w = _WORDS[p.lang]
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{p.lang}"><head><meta charset="utf-8">',
        f"<title>{e(w['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(w['title'])}</h1>",
        "<dl>",
        f"<dt>{e(w['for'])}</dt><dd>{e(p.recipient)}</dd>",
        f"<dt>{e(w['purpose'])}</dt><dd>{e(p.purpose)}</dd>",
        f"<dt>{e(w['issued'])}</dt><dd>{p.issued_on}</dd>",
        "</dl>",
    ]
    for title, head, rows in _sections(p):
        parts.append(f"<h2>{e(title)}</h2>")
        if not rows:
            parts.append(f"<p>{e(w['none'])}</p>")
            continue
        parts.append(
            "<table><thead><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in head)
            + "</tr></thead><tbody>"
        )
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


_CHECK_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Checklist werkzame mechanismen",
        "phase": "Fase",
        "level": "Niveau",
        "answer": "ja / deels / nee / n.v.t.",
        "derived": "afgeleid",
        "recommendation": "aanbeveling uit het onderzoek",
        "participant": "deelnemer",
        "location": "locatie",
        "organisation": "organisatie",
    },
    "en": {
        "title": "Working mechanisms checklist",
        "phase": "Phase",
        "level": "Level",
        "answer": "yes / partly / no / n/a",
        "derived": "derived",
        "recommendation": "research recommendation",
        "participant": "participant",
        "location": "location",
        "organisation": "organisation",
    },
}


def _checklist(
    framework: MechanismFramework, phase: Phase | int, level: Level | str, lang: Lang
) -> tuple[str, list[tuple[str, list[tuple[str, str]]]]]:
    """The heading, and per group its name and items as (text, notes): whether the library
    worded the item (derived) and whether it is a research recommendation."""
    w = _CHECK_WORDS[check_lang(lang)]
    lvl = to_enum(Level, level, "level")
    stage = Phase.coerce(phase)
    where = f"{w['phase']} {int(stage)}: {stage.info.name(lang=lang)}"
    heading = f"{w['title']} — {where} — {w['level']}: {w[lvl.value]}"

    def notes(item: ChecklistItem) -> str:
        found = [w["derived"]] if item.derived else []
        if item.status is ItemStatus.RECOMMENDATION:
            found.append(w["recommendation"])
        return "; ".join(found)

    groups = [
        (name.get(lang=lang), [(item.text.get(lang=lang), notes(item)) for item in items])
        for _gid, name, items in framework.checklist(phase=stage, level=lvl)
    ]
    return heading, groups


@checked
def checklist_markdown(
    framework: MechanismFramework,
    *,
    phase: Phase | int,
    level: Level | str = Level.PARTICIPANT,
    lang: Lang = "nl",
) -> str:
    """A printable checklist for one phase and level, as Markdown with tick boxes."""
    heading, groups = _checklist(framework, phase, level, lang)
    w = _CHECK_WORDS[lang]
    out = [f"# {_md_escape(heading)}", "", f"*{w['answer']}*", ""]
    for name, items in groups:
        out += [f"## {_md_escape(name)}", ""]
        out += [
            f"- [ ] {_md_escape(text)}" + (f" *({_md_escape(note)})*" if note else "")
            for text, note in items
        ]
        out.append("")
    return "\n".join(out)


@checked
def checklist_html(
    framework: MechanismFramework,
    *,
    phase: Phase | int,
    level: Level | str = Level.PARTICIPANT,
    lang: Lang = "nl",
) -> str:
    """A printable checklist for one phase and level, as one standalone HTML page."""
    heading, groups = _checklist(framework, phase, level, lang)
    w = _CHECK_WORDS[lang]
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{e(heading)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
        f"<p><em>{e(w['answer'])}</em></p>",
    ]
    for name, items in groups:
        parts.append(f"<h2>{e(name)}</h2><ul>")
        parts += [
            f"<li>&#9744; {e(text)}" + (f" <em>({e(note)})</em>" if note else "") + "</li>"
            for text, note in items
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
