"""The report a team lead opens: one self-contained HTML file about a cohort.

:func:`report_html` validates nothing itself: give it a :class:`~piezomethod.records.Cohort`
(and, if it came from :func:`~piezomethod.dataset.load`, the validation report). It computes
the analytics of :mod:`piezomethod.analytics` and lays them out with tables; with the
``[report]`` extra (matplotlib) it adds charts, embedded as SVG so the file needs nothing else.
A synthetic cohort is labelled as such at the top of the page.

With ``suppress=k`` every figure on the page is published under
:class:`~piezomethod.analytics.Disclosure`: counts from 1 to k-1 show as ``<k``, every other
count — cells, totals, the headline number, stays, responses — is rounded to a multiple of 5,
shares of counts are computed from the rounded counts, and estimates (medians, means,
estimated shares) are shown only over at least k people or stays, shares to 5 points and
withheld where they could stand for fewer than k people. Then the page is audited as a
statistical office audits a table (:mod:`piezomethod._protect`, with scipy from the
``[report]`` extra): where the rounded figures around a ``<k`` leave it one possible value,
a figure is withheld (``×``) until none does.

>>> from piezomethod.synth import synthetic_cohort
>>> page = report_html(synthetic_cohort(n=50, seed=1), lang="en", charts=False)
>>> page.startswith("<!DOCTYPE html>"), "Synthetic data" in page
(True, True)
"""

from __future__ import annotations

import datetime
import html
import importlib.util
import io
import math
import os
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import attrs

from piezomethod import _protect, plots
from piezomethod._checks import checked
from piezomethod._i18n import Lang
from piezomethod.analytics import (
    CountTable,
    Disclosure,
    OutcomeDevelopment,
    all_phases,
    distance_travelled,
    entry_phases,
    leaving_phase,
    outcome_development,
    response_rates,
    subgroups,
    time_in_phase,
    transition_matrix,
)
from piezomethod.dataset import Dataset, ValidationReport
from piezomethod.errors import Code, FieldError
from piezomethod.instruments import instrument as builtin_instrument
from piezomethod.instruments import instrument_ids
from piezomethod.outcomes import Instrument, MeasurementMoment, MeasurementStatus
from piezomethod.phases import Phase
from piezomethod.records import Cohort

__all__ = ["charts_available", "report_html", "write_report"]

Progress = Callable[[str], None]

_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "PiëzoMethodiek — rapportage",
        "synthetic": "Synthetische gegevens: gegenereerd, geen echte deelnemers.",
        "as_of": "Stand van",
        "participants": "deelnemers",
        "about": "ongeveer",
        "validation": "Controle van de gegevens",
        "loaded": "ingelezen",
        "quarantined": "in quarantaine (met fouten, niet meegeteld)",
        "errors": "fouten",
        "warnings": "waarschuwingen",
        "code": "code",
        "count": "aantal",
        "no_problems": "Geen problemen gevonden.",
        "entry": "Instroom per fase",
        "entry_note": "De fase waarin deelnemers voor het eerst instroomden.",
        "flows": "Stromen tussen fasen",
        "flows_note": "Elke beweging: van (rij) naar (kolom). Herinstroom staat apart.",
        "from": "van",
        "time": "Tijd per fase",
        "time_note": (
            "Kaplan-Meier: het deel dat na zoveel maanden nog in de fase zit. Wie er nog in zit, "
            "telt mee tot de standdatum (gecensureerd)."
        ),
        "months": "maanden",
        "median": "mediaan (maanden)",
        "mean": "gemiddelde (maanden, begrensd)",
        "stays": "verblijven",
        "still_in": "nog in fase",
        "all_phases": "Alle fasen doorlopen: som van de fasen",
        "all_phases_note": (
            "De bronnen noemen gemiddeld 68 en mediaan 43 maanden zonder rekenwijze; dit is de "
            "som over de vijf fasen."
        ),
        "leaving": "Hoe een fase eindigt",
        "leaving_note": (
            "Hoe verblijven eindigen: geschatte kans (Aalen-Johansen, over de hele looptijd) op "
            "doorstroom (ook overslaan), terugval en uitstroom; de laatste kolom telt de "
            "verblijven die op de standdatum nog lopen."
        ),
        "advance": "doorstroom",
        "setback": "terugval",
        "exit": "uitstroom",
        "staying": "nu nog open",
        "subgroups": "Groepen",
        "age_band": "leeftijd bij instroom",
        "gender": "gender",
        "statushouder": "statushouder",
        "work": "uitstroom naar werk of opleiding",
        "active": "nog actief",
        "outcomes": "Ontwikkeling van uitkomsten per meetmoment",
        "outcomes_note": (
            "Gemiddelde per schaal (elke schaal op haar eigen bereik) en aandeel 'ja'; alleen "
            "afgenomen vragenlijsten."
        ),
        "responses": "vragenlijsten",
        "response": "Respons per meetmoment",
        "response_note": "Respons = (op tijd + te laat) / (op tijd + te laat + ontbrekend).",
        "rate": "respons",
        "moment": "meetmoment",
        "phase": "fase",
        "total": "totaal",
        "suppressed": (
            "Beschermd tegen herleiding: aantallen onder {k} staan er als '<{k}', alle andere "
            "aantallen en totalen zijn afgerond op 5, percentages komen uit de afgeronde "
            "aantallen of zijn afgerond op 5 punten, en schattingen over minder dan {k} "
            "mensen staan er als '–'. Een '×' is weggelaten omdat het met de andere cijfers "
            "een klein aantal zou verraden."
        ),
        "unaudited": (
            "Deze pagina is niet nagerekend op herleiding tussen tabellen: installeer "
            "piezomethod[report]."
        ),
        "made_by": "Gemaakt met piezomethod {v} op {d}.",
        "no_charts": "Grafieken: installeer piezomethod[report].",
        "group": "groep",
        "yes": "ja",
        "no": "nee",
        "unknown": "onbekend",
        "entry_row": "instroom",
        "re_entry_row": "herinstroom",
        "exit_column": "uitstroom",
        "median_phase": "mediaan fase {p}",
        "groups_note": (
            "Medianen in maanden; '–' waar de groep te klein is of de mediaan niet bereikt."
        ),
        "woman": "vrouw",
        "man": "man",
        "other": "anders",
        "instrument": "Vragenlijst",
        "scale": "schaal of vraag",
        "share_yes": "% ja: {q}",
        "distance": "Afgelegde afstand: verandering sinds instroom",
        "distance_note": (
            "Per deelnemer het verschil tussen de eerste instroommeting en de laatste meting op "
            "een later moment (gepaard); positief is beter, op elke schaal. Gemiddelde met "
            "95%-interval (normale benadering), en het deel dat vooruit ging, gelijk bleef of "
            "achteruit ging. In de grafiek: groen is een interval boven nul, oranje onder nul."
        ),
        "pairs": "paren",
        "mean_change": "gemiddeld (95%-interval)",
        "better_same_worse": "beter / gelijk / slechter",
        "all_row": "alle fasen",
    },
    "en": {
        "title": "PiëzoMethodiek — report",
        "synthetic": "Synthetic data: generated, not real participants.",
        "as_of": "As of",
        "participants": "participants",
        "about": "about",
        "validation": "Data check",
        "loaded": "loaded",
        "quarantined": "quarantined (with errors, not counted)",
        "errors": "errors",
        "warnings": "warnings",
        "code": "code",
        "count": "count",
        "no_problems": "No problems found.",
        "entry": "Entry by phase",
        "entry_note": "The phase participants first entered in.",
        "flows": "Flows between phases",
        "flows_note": "Every move: from (row) to (column). Re-entries are shown apart.",
        "from": "from",
        "time": "Time in each phase",
        "time_note": (
            "Kaplan-Meier: the share still in the phase after so many months. Those still in "
            "count until the as-of date (censored)."
        ),
        "months": "months",
        "median": "median (months)",
        "mean": "mean (months, restricted)",
        "stays": "stays",
        "still_in": "still in phase",
        "all_phases": "Passing all phases: the sum over the phases",
        "all_phases_note": (
            "The sources give a mean of 68 and a median of 43 months without a method; this is "
            "the sum over the five phases."
        ),
        "leaving": "How a phase ends",
        "leaving_note": (
            "How stays end: the estimated chance (Aalen-Johansen, over the whole follow-up) of "
            "advance (skips included), setback and exit; the last column counts the stays "
            "still open at the as-of date."
        ),
        "advance": "advance",
        "setback": "setback",
        "exit": "exit",
        "staying": "open now",
        "subgroups": "Groups",
        "age_band": "age at entry",
        "gender": "gender",
        "statushouder": "status holder",
        "work": "exits to work or education",
        "active": "still active",
        "outcomes": "Outcome development per measurement moment",
        "outcomes_note": (
            "Mean per scale (each on its own range) and share answering 'yes'; questionnaires "
            "taken only."
        ),
        "responses": "questionnaires",
        "response": "Response per measurement moment",
        "response_note": "Response = (on time + late) / (on time + late + missing).",
        "rate": "response",
        "moment": "moment",
        "phase": "phase",
        "total": "total",
        "suppressed": (
            "Protected against disclosure: counts below {k} show as '<{k}', every other count "
            "and total is rounded to 5, percentages come from the rounded counts or are "
            "rounded to 5 points, and estimates over fewer than {k} people show as '–'. A '×' "
            "is withheld because with the other figures it would give a small count away."
        ),
        "unaudited": (
            "This page was not audited for disclosure across its tables: install "
            "piezomethod[report]."
        ),
        "made_by": "Made with piezomethod {v} on {d}.",
        "no_charts": "Charts: install piezomethod[report].",
        "group": "group",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "entry_row": "entry",
        "re_entry_row": "re-entry",
        "exit_column": "exit",
        "median_phase": "median phase {p}",
        "groups_note": (
            "Medians in months; '–' where the group is too small or the median is not reached."
        ),
        "woman": "woman",
        "man": "man",
        "other": "other",
        "instrument": "Questionnaire",
        "scale": "scale or question",
        "share_yes": "% yes: {q}",
        "distance": "Distance travelled: change since entry",
        "distance_note": (
            "Per participant the difference between their first entry questionnaire and their "
            "last at a later moment (paired); positive is better, on every scale. Mean with "
            "its 95% interval (normal approximation), and the share that improved, stayed the "
            "same or got worse. In the chart: green is an interval above zero, orange below."
        ),
        "pairs": "pairs",
        "mean_change": "mean (95% interval)",
        "better_same_worse": "better / same / worse",
        "all_row": "all phases",
    },
}

_CSS = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.8rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f4f4f4}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem;font-weight:600}
.note{color:#555;font-size:.92rem}figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
footer{margin-top:3rem;color:#666;font-size:.85rem}
@media print{
@page{size:A4;margin:14mm}
body{max-width:none;margin:0;padding:0;font-size:10pt}
.scroll{overflow:visible}
table{font-size:8.5pt;break-inside:avoid}td,th{padding:.15rem .35rem}
h2{break-after:avoid}figure{break-inside:avoid}
.banner{background:none}
}
"""


def charts_available() -> bool:
    """True when matplotlib (the ``[report]`` extra) is installed."""
    return importlib.util.find_spec("matplotlib") is not None


def _version() -> str:
    try:
        return version("piezomethod")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float | int | None, digits: int = 1, lang: Lang = "en") -> str:
    """The page's one number format: thousands with a narrow space, decimals with the
    page language's mark (a comma in Dutch)."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if math.isinf(value):
        return "∞"
    text = f"{value:,.{digits}f}".replace(",", "\u202f")
    return text.replace(".", ",") if lang == "nl" else text


def _signed(value: float, lang: Lang) -> str:
    return ("+" if value > 0 else "") + _num(value, 2, lang)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """A table in its own scrolling box, so a wide one never widens the page."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{_e(c)}</td>' if k >= numeric_from else f"<td>{_e(c)}</td>"
            for k, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _shown(cell: str) -> str:
    """A published count in the page's one number format (narrow spaces for thousands)."""
    return _num(int(cell)) if cell.isdigit() else cell


class _Publish:
    """Every figure the page shows goes through here: exact without ``suppress``, else under
    :class:`~piezomethod.analytics.Disclosure` (suppression and rounding to 5)."""

    def __init__(self, suppress: int | None, lang: Lang = "en") -> None:
        self.rule = None if suppress is None else Disclosure(threshold=suppress)
        self.lang = lang
        self.withheld: set[str] = set()
        """Keys of figures withheld (``×``) by the page's audit (see :mod:`._protect`)."""

    def num(self, value: float | int | None, digits: int = 1) -> str:
        """An estimate (not a count) in the page's number format."""
        return _num(value, digits, self.lang)

    def count(self, n: int, key: str | None = None) -> str:
        if key in self.withheld:
            return "×"
        return _num(n) if self.rule is None else _shown(self.rule.count(n))

    def drawn(self, n: int) -> int | None:
        """A count as a chart may draw it: the published value (None where suppressed)."""
        return n if self.rule is None else self.rule.value(n)

    def total(self, n: int, key: str | None = None) -> str:
        """A figure that is a sum of others (participants, stays): rounded, never suppressed
        (withheld only where the page's audit says so)."""
        if key in self.withheld:
            return "×"
        return _num(n) if self.rule is None else _shown(self.rule.total(n))

    def ratio(self, part: int, whole: int) -> str:
        """A share of two counts, from the published counts."""
        if self.rule is None:
            return _pct(part / whole if whole else None)
        return _pct(self.rule.share(part, whole))

    def enough(self, n: int) -> bool:
        """Whether an estimate over ``n`` people or stays may be shown."""
        return self.rule is None or n >= self.rule.threshold

    def estimate(self, share: float | None, n: int) -> str:
        """A share estimated over ``n``: under suppression shown to 5 points, and withheld
        where ``n`` is small or the people it (or its complement) stands for could be fewer
        than the threshold."""
        if self.rule is None or share is None:
            return _pct(share)
        k = self.rule.threshold
        part = share * n
        if n < k or 0.5 <= part < k - 0.5 or 0.5 <= n - part < k - 0.5:
            return "–"
        return f"{5 * round(20 * share):.0f}%"

    def table(
        self,
        table: CountTable,
        corner: str,
        total: str,
        *,
        key: str,
        rows: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
    ) -> str:
        """``table`` with its totals (a one-column table has no total column: it would repeat
        the column), under the labels ``rows`` and ``columns`` (default: the table's own). Its
        figures have the keys ``key.ROW.COLUMN``, ``key.row.ROW``, ``key.col.COLUMN`` and
        ``key.all`` for :meth:`withheld`."""
        if self.rule is None:
            cells = [[_num(c) for c in row] for row in table.counts]
            row_totals: list[str | None] = [_num(t) for t in table.row_totals]
            column_totals: list[str | None] = [_num(t) for t in table.column_totals]
            grand: str | None = _num(table.total)
        else:
            published = table.suppress(self.rule.threshold, base=self.rule.base)
            cells = [[_shown(c) for c in row] for row in published.cells]
            row_totals = [None if t is None else _shown(t) for t in published.row_totals]
            column_totals = [None if t is None else _shown(t) for t in published.column_totals]
            grand = None if published.total is None else _shown(published.total)
        hide = self.withheld
        cells = [
            [
                "×" if f"{key}.{r}.{c}" in hide else cell
                for c, cell in zip(table.columns, row, strict=True)
            ]
            for r, row in zip(table.rows, cells, strict=True)
        ]
        row_totals = [
            None if f"{key}.row.{r}" in hide else t
            for r, t in zip(table.rows, row_totals, strict=True)
        ]
        column_totals = [
            None if f"{key}.col.{c}" in hide else t
            for c, t in zip(table.columns, column_totals, strict=True)
        ]
        grand = None if f"{key}.all" in hide else grand
        wide = len(table.columns) > 1
        body = [
            [label, *row, *([t or "×"] if wide else [])]
            for label, row, t in zip(rows or table.rows, cells, row_totals, strict=True)
        ]
        body.append([total, *(t or "×" for t in column_totals), *([grand or "×"] if wide else [])])
        header = [corner, *(columns or table.columns), *([total] if wide else [])]
        return _table(header, body)


# --------------------------------------------------------------------------------------------
# Charts (matplotlib, only when installed), drawn by piezomethod.plots
# --------------------------------------------------------------------------------------------


def _svg(figure: Any) -> str:
    import matplotlib as mpl  # noqa: PLC0415 - an optional extra, imported only when drawing

    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "piezomethod", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return f"<figure>{text[text.index('<svg') :]}</figure>"


def _figure(width: float = 7.0, height: float = 3.4) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415 - as in _svg

    return Figure(figsize=(width, height), layout="constrained")


def _axes(width: float = 7.0, height: float = 3.4) -> Any:
    return _figure(width, height).subplots()


def _grid(count: int, columns: int, height: float, width: float = 2.9) -> list[Any]:
    """``count`` panels in rows of ``columns`` on one figure (no pyplot: no global state)."""
    rows = max(1, math.ceil(count / columns))
    axes = _figure(width * columns, height * rows).subplots(rows, columns, squeeze=False)
    flat = list(axes.flat)
    for spare in flat[count:]:
        spare.set_visible(False)
    return flat[:count]


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _codes_table(report: ValidationReport, w: dict[str, str], lang: Lang) -> CountTable:
    """The problems by code, each with what it means in the report's language."""
    counts = report.counts()
    return CountTable(
        title="codes",
        rows=tuple(f"{code}: {Code.of(code).meaning(lang=lang)}" for code in counts),
        columns=(w["count"],),
        counts=tuple((n,) for n in counts.values()),
    )


def _validation_section(
    report: ValidationReport, w: dict[str, str], pub: _Publish, lang: Lang
) -> str:
    parts = [f"<h2>{_e(w['validation'])}</h2>"]
    summary = [
        [w["participants"], pub.total(report.participants, "validation.participants")],
        [w["loaded"], pub.total(report.loaded, "validation.loaded")],
        [w["quarantined"], pub.count(len(report.quarantined), "validation.quarantined")],
        [w["errors"], pub.total(len(report.errors), "validation.errors")],
        [w["warnings"], pub.total(len(report.warnings), "validation.warnings")],
    ]
    parts.append(_table(["", w["count"]], summary))
    if report.counts():
        parts.append(pub.table(_codes_table(report, w, lang), w["code"], w["total"], key="codes"))
    else:
        parts.append(f"<p>{_e(w['no_problems'])}</p>")
    return "".join(parts)


def _endings(flows: CountTable) -> dict[Phase, dict[str, int]]:
    """Per phase, how its stays ended (from the flows table): advanced (skips too), set back,
    exited, and still open at the cut-off."""
    exit_column = flows.columns.index("exit")
    found: dict[Phase, dict[str, int]] = {}
    for p in Phase:
        column = flows.columns.index(str(int(p)))
        stays = flows.column_totals[column]
        row = flows.counts[flows.rows.index(str(int(p)))]
        advance = sum(row[j] for j in range(exit_column) if int(flows.columns[j]) > int(p))
        setback = sum(row[j] for j in range(exit_column) if int(flows.columns[j]) < int(p))
        found[p] = {
            "advance": advance,
            "setback": setback,
            "exit": row[exit_column],
            "open": stays - sum(row),
        }
    return found


def _answered(rates: Any, moment: MeasurementMoment | None) -> tuple[int, int]:
    """(done + late, done + late + missing) at ``moment`` (None: all moments)."""
    moments = list(MeasurementMoment) if moment is None else [moment]
    answered = sum(
        rates.counts[m][s]
        for m in moments
        for s in (MeasurementStatus.DONE, MeasurementStatus.LATE)
    )
    return answered, answered + sum(rates.counts[m][MeasurementStatus.MISSING] for m in moments)


def _rate(rates: Any, pub: _Publish, moment: MeasurementMoment | None) -> str:
    """Response = (done + late) / (done + late + missing), from the published counts."""
    return pub.ratio(*_answered(rates, moment))


def _rate_value(rates: Any, pub: _Publish, moment: MeasurementMoment) -> float | None:
    """The response rate as published (from the rounded counts), for the chart."""
    assert pub.rule is not None
    return pub.rule.share(*_answered(rates, moment))


def _audited(
    cohort: Cohort | Dataset,
    pub: _Publish,
    *,
    instrument_id: str,
    report: ValidationReport | None = None,
    w: dict[str, str] | None = None,
) -> set[str]:
    """The figures to withhold so that no suppressed count on the page follows from the
    others: every count the page publishes, under the keys the page uses, with the relations
    a reader knows (see :mod:`piezomethod._protect`)."""
    assert pub.rule is not None
    page = _protect.Page(pub.rule)
    flows = transition_matrix(cohort)
    cell = {
        (r, c): page.var(count)
        for r, row in zip(flows.rows, flows.counts, strict=True)
        for c, count in zip(flows.columns, row, strict=True)
    }
    for (r, c), expr in cell.items():
        page.count(f"flows.{r}.{c}", expr)
    rows = {r: _protect.add(*(cell[r, c] for c in flows.columns)) for r in flows.rows}
    columns = {c: _protect.add(*(cell[r, c] for r in flows.rows)) for c in flows.columns}
    for r, expr in rows.items():
        page.total(f"flows.row.{r}", expr, order=1)
    for c, expr in columns.items():
        page.total(f"flows.col.{c}", expr, order=1)
    page.total("flows.all", _protect.add(*rows.values()), order=2)
    # the entries are the flows' entry row; every participant enters once
    n = page.var(len(cohort))
    page.total("n", n, order=8)
    for c in flows.columns[:-1]:
        page.count(f"entries.{c}.participants", cell["entry", c])
    page.total("entries.col.participants", rows["entry"], order=3)
    page.at_most(rows["entry"], n)
    # the stays of a phase are its column; those open now are the stays less the moves out
    for p in Phase:
        stays = columns[str(int(p))]
        page.total(f"time.stays.{int(p)}", stays, order=4)
        page.total(f"leaving.stays.{int(p)}", stays, order=4)
        opened = _protect.add(stays, _protect.minus(rows[str(int(p))]))
        page.count(f"leaving.open.{int(p)}", opened, order=6)
    # the groups add up to everyone
    for by in ("age_band", "gender", "statushouder"):
        table = subgroups(cohort, by)
        members = [page.var(table.participants[g]) for g in table.groups]
        for g, member in zip(table.groups, members, strict=True):
            page.count(f"groups.{by}.{g}", member, order=7)
        page.equal(_protect.add(*members), n)
    # the questionnaires per moment and status; those taken are done + late
    rates = response_rates(cohort, instrument_id=instrument_id)
    taken = (
        outcome_development(cohort, builtin_instrument(instrument_id))
        if (instrument_id in instrument_ids())
        else None
    )
    for m in MeasurementMoment:
        status = {s: page.var(rates.counts[m][s]) for s in MeasurementStatus}
        for s, expr in status.items():
            page.count(f"response.{m.value}.{s.value}", expr)
        if taken is None:
            continue
        done = rates.counts[m][MeasurementStatus.DONE] + rates.counts[m][MeasurementStatus.LATE]
        if taken.responses[m] == done:
            answered = _protect.add(status[MeasurementStatus.DONE], status[MeasurementStatus.LATE])
        else:
            answered = page.var(taken.responses[m])
        page.count(f"outcomes.{m.value}", answered)
    if report is not None and w is not None:
        _audit_validation(page, report, w, pub.lang, n)
    return page.withheld()


def _audit_validation(
    page: _protect.Page, report: ValidationReport, w: dict[str, str], lang: Lang, n: _protect.Expr
) -> None:
    """The data check's counts: everyone read is loaded or quarantined, the loaded are the
    participants of the page, and the problems by code add up to the errors and warnings."""
    read, loaded = page.var(report.participants), page.var(report.loaded)
    quarantined = page.var(len(report.quarantined))
    page.total("validation.participants", read, order=8)
    page.total("validation.loaded", loaded, order=8)
    page.count("validation.quarantined", quarantined)
    if report.participants == report.loaded + len(report.quarantined):
        page.equal(read, _protect.add(loaded, quarantined))
    if report.loaded == page.value(n):
        page.equal(loaded, n)
    errors, warnings = page.var(len(report.errors)), page.var(len(report.warnings))
    page.total("validation.errors", errors, order=8)
    page.total("validation.warnings", warnings, order=8)
    codes = _codes_table(report, w, lang)
    cells = [page.var(row[0]) for row in codes.counts]
    for label, cell in zip(codes.rows, cells, strict=True):
        page.count(f"codes.{label}.{w['count']}", cell)
    page.total(f"codes.col.{w['count']}", _protect.add(*cells), order=1)
    if codes.total == len(report.errors) + len(report.warnings):
        page.equal(_protect.add(*cells), _protect.add(errors, warnings))


def _drawable(table: CountTable, key: str, pub: _Publish) -> CountTable:
    """``table`` for a chart: a cell the page withholds is not drawn (as a zero is not)."""
    counts = tuple(
        tuple(
            0 if f"{key}.{r}.{c}" in pub.withheld else count
            for c, count in zip(table.columns, row, strict=True)
        )
        for r, row in zip(table.rows, table.counts, strict=True)
    )
    return attrs.evolve(table, counts=counts)


def _heading(parts: list[str], title: str, note: str | None = None) -> None:
    parts.append(f"<h2>{_e(title)}</h2>")
    if note:
        parts.append(f'<p class="note">{_e(note)}</p>')


def _phase_labels(w: dict[str, str]) -> list[str]:
    return [f"{w['phase']} {int(p)}" for p in Phase]


def _flows_labels(flows: CountTable, w: dict[str, str]) -> tuple[list[str], list[str]]:
    names = {"entry": w["entry_row"], "re_entry": w["re_entry_row"], "exit": w["exit_column"]}
    rows = [names.get(r, f"{w['phase']} {r}") for r in flows.rows]
    return rows, [names.get(c, f"{w['phase']} {c}") for c in flows.columns]


def _group_label(by: str, group: str, w: dict[str, str]) -> str:
    if by == "age_band":
        return w["unknown"] if group == "unknown" else group
    return w.get(group, group)


def _published(outcomes: OutcomeDevelopment, pub: _Publish) -> OutcomeDevelopment:
    """The outcomes as the table publishes them: means only over enough responses, shares to
    5 points and withheld as the table withholds them."""
    if pub.rule is None:
        return outcomes

    def share(m: MeasurementMoment, item: str) -> float | None:
        text = pub.estimate(outcomes.share_yes[m][item], outcomes.responses[m])
        return None if not text.endswith("%") else int(text[:-1]) / 100

    return attrs.evolve(
        outcomes,
        means={
            m: {s: v if pub.enough(outcomes.responses[m]) else None for s, v in means.items()}
            for m, means in outcomes.means.items()
        },
        share_yes={m: {i: share(m, i) for i in outcomes.shares} for m in outcomes.moments},
    )


def _outcomes_section(
    parts: list[str],
    cohort: Cohort | Dataset,
    *,
    ins: Instrument,
    w: dict[str, str],
    pub: _Publish,
    draw: bool,
) -> None:
    lang = pub.lang
    outcomes = outcome_development(cohort, ins)
    _heading(parts, w["outcomes"], w["outcomes_note"])
    parts.append(f"<p>{_e(w['instrument'])}: {_e(ins.title.get(lang=lang))}</p>")
    moments = outcomes.moments
    rows = [
        [
            w["responses"],
            *(pub.count(outcomes.responses[m], f"outcomes.{m.value}") for m in moments),
        ]
    ]
    for s in outcomes.scales:
        rows.append(
            [
                outcomes.labels[s].get(lang=lang),
                *(
                    pub.num(outcomes.means[m][s], 2) if pub.enough(outcomes.responses[m]) else "–"
                    for m in moments
                ),
            ]
        )
    for i in outcomes.shares:
        rows.append(
            [
                w["share_yes"].format(q=outcomes.labels[i].get(lang=lang)),
                *(pub.estimate(outcomes.share_yes[m][i], outcomes.responses[m]) for m in moments),
            ]
        )
    parts.append(_table([w["scale"], *(m.label(lang=lang) for m in moments)], rows))
    if draw:
        count = len(outcomes.scales) + len(outcomes.shares)
        axes = _grid(count, 4, 2.5)
        plots.outcomes(_published(outcomes, pub), axes, lang=lang)
        parts.append(_svg(axes[0].figure))

    travelled = distance_travelled(cohort, ins)
    _heading(parts, w["distance"], w["distance_note"])
    rows = []
    for s in travelled.scales:
        for n, m in enumerate(travelled.moments):
            c = travelled.get(s, m)
            row = [travelled.labels[s].get(lang=lang) if n == 0 else "", m.label(lang=lang)]
            row.append(pub.count(c.n))
            if c.mean is None or c.lower is None or c.upper is None or not pub.enough(c.n):
                rows.append([*row, "–", "–"])
                continue
            low, high = _signed(c.lower, lang), _signed(c.upper, lang)
            shares = " / ".join(
                pub.estimate(part / c.n, c.n) for part in (c.improved, c.same, c.worse)
            )
            rows.append([*row, f"{_signed(c.mean, lang)} ({low}; {high})", shares])
    header = [w["scale"], w["moment"], w["pairs"], w["mean_change"], w["better_same_worse"]]
    parts.append(_table(header, rows, numeric_from=2))
    if draw and all(pub.enough(c.n) for c in travelled.changes):
        axes = _grid(len(travelled.scales), 4, 2.4)
        plots.distance(travelled, axes, lang=lang)
        parts.append(_svg(axes[0].figure))


@checked
def report_html(
    cohort: Cohort | Dataset,
    *,
    report: ValidationReport | None = None,
    lang: Lang = "nl",
    suppress: int | None = None,
    charts: bool | None = None,
    progress: Progress | None = None,
    instrument: Instrument | str | None = None,
) -> str:
    """The report on ``cohort`` as one HTML page (a string). ``charts`` defaults to whether
    the ``[report]`` extra is installed; ``progress`` is called with a word per step;
    ``instrument`` (an :class:`~piezomethod.outcomes.Instrument` or a built-in id; default
    the method's own questionnaire) is the questionnaire whose outcomes are shown.

    ``cohort`` may be a loaded :class:`~piezomethod.dataset.Dataset`: with numpy installed
    its analytics then count on the dataset's columns, without building a record (the same
    figures, much faster on a large dataset; see :mod:`piezomethod.analytics`)."""
    if suppress is not None and suppress < 1:
        raise FieldError(
            "suppress must be a whole number >= 1", code=Code.INVALID_THRESHOLD, field="suppress"
        )
    ins = (
        builtin_instrument(instrument or "piezo-effectmeting")
        if not isinstance(instrument, Instrument)
        else instrument
    )
    draw = charts_available() if charts is None else charts
    if draw and not charts_available():
        raise ImportError("charts need matplotlib: pip install 'piezomethod[report]'")
    w = _WORDS[lang]
    step = progress or (lambda _: None)
    pub = _Publish(suppress, lang)
    n = len(cohort)
    if suppress is not None and _protect.available():
        pub.withheld = _audited(cohort, pub, instrument_id=ins.id, report=report, w=w)
    shown_n = f"{w['about']} {pub.total(n, 'n')}" if suppress else _num(n)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(w['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(w['title'])}</h1>",
    ]
    if cohort.synthetic:
        parts.append(f'<p class="banner">{_e(w["synthetic"])}</p>')
    name = f"{_e(cohort.name)} · " if cohort.name else ""
    parts.append(
        f"<p>{name}{_e(w['as_of'])} {cohort.as_of.isoformat()} · "
        f"{shown_n} {_e(w['participants'])}</p>"
    )
    if suppress:
        parts.append(f'<p class="note">{_e(w["suppressed"].format(k=suppress))}</p>')
        if not _protect.available():
            parts.append(f'<p class="note">{_e(w["unaudited"])}</p>')
    if not draw:
        parts.append(f'<p class="note">{_e(w["no_charts"])}</p>')
    if report is not None:
        parts.append(_validation_section(report, w, pub, lang))

    step("entry")
    entries = entry_phases(cohort)
    _heading(parts, w["entry"], w["entry_note"])
    phase_names = _phase_labels(w)
    parts.append(
        pub.table(
            entries,
            w["phase"],
            w["total"],
            key="entries",
            rows=phase_names,
            columns=[w["participants"]],
        )
    )
    if draw:
        drawn = _drawable(entries, "entries", pub)
        ax = plots.counts(drawn, _axes(6, 2.6), lang=lang, shown=pub.drawn)
        ax.set_ylabel(w["participants"])
        parts.append(_svg(ax.figure))

    step("flows")
    flows = transition_matrix(cohort)
    _heading(parts, w["flows"], w["flows_note"])
    rows_f, columns_f = _flows_labels(flows, w)
    parts.append(
        pub.table(flows, w["from"], w["total"], key="flows", rows=rows_f, columns=columns_f)
    )
    if draw:
        ax = plots.flows(
            _drawable(flows, "flows", pub),
            _axes(8, 4.4),
            lang=lang,
            shown=pub.drawn,
            suppressed_below=suppress,
        )
        parts.append(_svg(ax.figure))

    step("time in phase")
    curves = time_in_phase(cohort)
    overall = all_phases(cohort)
    _heading(parts, w["time"], w["time_note"])
    rows = [
        [
            f"{w['phase']} {int(p)}",
            pub.total(c.n, f"time.stays.{int(p)}"),
            pub.num(c.median) if pub.enough(c.n) else "–",
            pub.num(overall.phase_means[p]) if pub.enough(c.n) else "–",
        ]
        for p, c in curves.items()
    ]
    rows.append([w["all_row"], "", pub.num(overall.median_months), pub.num(overall.mean_months)])
    parts.append(_table([w["phase"], w["stays"], w["median"], w["mean"]], rows))
    parts.append(f'<p class="note">{_e(w["all_phases_note"])}</p>')
    if draw:
        axes = _grid(len(curves), len(curves), 2.4, width=2.0)
        plots.time_in_phase_panels(curves, axes, lang=lang, coarse=suppress is not None)
        parts.append(_svg(axes[0].figure))

    step("leaving")
    risks = leaving_phase(cohort)
    _heading(parts, w["leaving"], w["leaving_note"])
    ended = _endings(flows)
    rows = [
        [
            f"{w['phase']} {int(p)}",
            pub.total(r.n, f"leaving.stays.{int(p)}"),
            *(pub.estimate(r.final(c), r.n) if pub.enough(r.n) else "–" for c in r.causes),
            pub.count(ended[p]["open"], f"leaving.open.{int(p)}"),
        ]
        for p, r in risks.items()
    ]
    header = [w["phase"], w["stays"], w["advance"], w["setback"], w["exit"], w["staying"]]
    parts.append(_table(header, rows))
    if draw:
        if suppress is None:
            ax = plots.leaving(risks, _axes(6, 3), lang=lang)
        else:  # the shares the table shows: to 5 points, none where withheld

            def share(p: Phase, cause: str) -> float | None:
                text = pub.estimate(risks[p].final(cause), risks[p].n)
                return None if not text.endswith("%") else int(text[:-1]) / 100

            ax = plots.leaving(risks, _axes(6, 3), lang=lang, shown=share)
        parts.append(_svg(ax.figure))

    step("groups")
    _heading(parts, w["subgroups"], w["groups_note"])
    for by in ("age_band", "gender", "statushouder"):
        table = subgroups(cohort, by)
        rows = []
        for g in table.groups:
            count = table.participants[g]
            big = pub.enough(count)
            rows.append(
                [
                    _group_label(by, g, w),
                    pub.count(count, f"groups.{by}.{g}"),
                    *(pub.num(table.median_months[g][p]) if big else "–" for p in Phase),
                    pub.estimate(table.work_or_education[g], count - table.active[g]),
                ]
            )
        medians = [w["median_phase"].format(p=int(p)) for p in Phase]
        parts.append(_table([w[by], w["participants"], *medians, w["work"]], rows))

    step("outcomes")
    _outcomes_section(parts, cohort, ins=ins, w=w, pub=pub, draw=draw)

    step("response")
    rates = response_rates(cohort, instrument_id=ins.id)
    _heading(parts, w["response"], w["response_note"])
    statuses = tuple(MeasurementStatus)
    moment_names = {m: m.label(lang=lang) for m in MeasurementMoment}
    rows = [
        [
            moment_names[m],
            *(pub.count(rates.counts[m][s], f"response.{m.value}.{s.value}") for s in statuses),
            _rate(rates, pub, m),
        ]
        for m in MeasurementMoment
    ]
    rows.append([w["total"], *("" for _ in statuses), _rate(rates, pub, None)])
    parts.append(_table([w["moment"], *(s.label(lang=lang) for s in statuses), w["rate"]], rows))
    if draw:
        published = None if suppress is None else (lambda m: _rate_value(rates, pub, m))
        ax = plots.response(rates, _axes(6, 2.8), lang=lang, shown=published)
        parts.append(_svg(ax.figure))

    made = w["made_by"].format(v=_version(), d=datetime.date.today().isoformat())
    parts.append(f"<footer>{_e(made)}</footer></body></html>")
    step("done")
    return "\n".join(parts)


@checked
def write_report(path: str | os.PathLike[str], cohort: Cohort | Dataset, **options: Any) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(report_html(cohort, **options), encoding="utf-8")
    return target
