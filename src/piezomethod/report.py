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
withheld where they could stand for fewer than k people. No published figure but a zero is
exact, so no small count follows from the sums and differences of the others.

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

from piezomethod._checks import checked
from piezomethod._i18n import Lang
from piezomethod.analytics import (
    CountTable,
    Disclosure,
    all_phases,
    entry_phases,
    leaving_phase,
    outcome_development,
    response_rates,
    subgroups,
    time_in_phase,
    transition_matrix,
)
from piezomethod.dataset import ValidationReport
from piezomethod.errors import Code, FieldError
from piezomethod.outcomes import MeasurementMoment, MeasurementStatus
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
        "outcomes_note": "Gemiddelde per schaal en aandeel 'ja'; alleen afgenomen vragenlijsten.",
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
            "mensen staan er als '–'."
        ),
        "made_by": "Gemaakt met piezomethod {v} op {d}.",
        "no_charts": "Grafieken: installeer piezomethod[report].",
        "group": "groep",
        "yes": "ja",
        "no": "nee",
        "unknown": "onbekend",
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
        "statushouder": "statushouder",
        "work": "exits to work or education",
        "active": "still active",
        "outcomes": "Outcome development per measurement moment",
        "outcomes_note": "Mean per scale and share answering 'yes'; questionnaires taken only.",
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
            "rounded to 5 points, and estimates over fewer than {k} people show as '–'."
        ),
        "made_by": "Made with piezomethod {v} on {d}.",
        "no_charts": "Charts: install piezomethod[report].",
        "group": "group",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
    },
}

_CSS = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem;font-weight:600}
.note{color:#555;font-size:.92rem}figure{margin:1rem 0}svg{max-width:100%;height:auto}
footer{margin-top:3rem;color:#666;font-size:.85rem}
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


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if math.isinf(value):
        return "∞"
    return f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{_e(c)}</td>' if k >= numeric_from else f"<td>{_e(c)}</td>"
            for k, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _shown(cell: str) -> str:
    """A published count in the page's one number format (narrow spaces for thousands)."""
    return _num(int(cell)) if cell.isdigit() else cell


class _Publish:
    """Every figure the page shows goes through here: exact without ``suppress``, else under
    :class:`~piezomethod.analytics.Disclosure` (suppression and rounding to 5)."""

    def __init__(self, suppress: int | None) -> None:
        self.rule = None if suppress is None else Disclosure(threshold=suppress)

    def count(self, n: int) -> str:
        return _num(n) if self.rule is None else _shown(self.rule.count(n))

    def total(self, n: int) -> str:
        """A figure that is a sum of others (participants, stays): rounded, never hidden."""
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

    def table(self, table: CountTable, corner: str, total: str) -> str:
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
        rows = [
            [label, *row, t or "×"]
            for label, row, t in zip(table.rows, cells, row_totals, strict=True)
        ]
        rows.append([total, *(t or "×" for t in column_totals), grand or "×"])
        return _table([corner, *table.columns, total], rows)


# --------------------------------------------------------------------------------------------
# Charts (matplotlib, only when installed)
# --------------------------------------------------------------------------------------------


def _svg(figure: Any) -> str:
    import matplotlib as mpl  # noqa: PLC0415 - an optional extra, imported only when drawing

    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "piezomethod", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 7.0, height: float = 3.4) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415 - as in _svg

    return Figure(figsize=(width, height), layout="constrained")


def _legend(ax: Any, **options: Any) -> None:
    """A legend only where something is labelled (an empty cohort draws no lines)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**options)


def _chart_entry(table: CountTable, w: dict[str, str]) -> str:
    fig = _figure(6, 2.8)
    ax = fig.subplots()
    ax.bar(
        [f"{w['phase']} {r}" for r in table.rows],
        [row[0] for row in table.counts],
        color=[Phase(int(r)).colour for r in table.rows],
    )
    ax.set_ylabel(w["participants"])
    return _svg(fig)


def _chart_flows(table: CountTable, w: dict[str, str]) -> str:
    fig = _figure(6, 4)
    ax = fig.subplots()
    values = [list(r) for r in table.counts]
    ax.imshow(values, cmap="Blues")
    ax.set_xticks(range(len(table.columns)), labels=list(table.columns))
    ax.set_yticks(range(len(table.rows)), labels=list(table.rows))
    ax.set_xlabel(w["phase"])
    ax.set_ylabel(w["from"])
    top = max((c for r in values for c in r), default=0)
    for i, row in enumerate(values):
        for j, c in enumerate(row):
            if c:
                colour = "white" if c > top / 2 else "black"
                ax.text(j, i, str(c), ha="center", va="center", fontsize=8, color=colour)
    return _svg(fig)


def _chart_curves(curves: dict[Phase, Any], w: dict[str, str]) -> str:
    fig = _figure()
    ax = fig.subplots()
    for phase, curve in curves.items():
        if curve.n:
            ax.step(curve.times, curve.survival, where="post", color=phase.colour)
            ax.fill_between(
                curve.times, curve.lower, curve.upper, step="post", color=phase.colour, alpha=0.15
            )
            ax.plot([], [], color=phase.colour, label=f"{w['phase']} {int(phase)}")
    ax.set_xlabel(w["months"])
    ax.set_ylabel(w["still_in"])
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 72)
    _legend(ax, frameon=False)
    return _svg(fig)


def _chart_leaving(risks: dict[Phase, Any], w: dict[str, str]) -> str:
    fig = _figure(6, 3)
    ax = fig.subplots()
    labels = [f"{w['phase']} {int(p)}" for p in risks]
    bottom = [0.0] * len(labels)
    colours = {"advance": "#009E73", "setback": "#E69F00", "exit": "#999999"}
    for cause in ("advance", "setback", "exit"):
        values = [r.final(cause) for r in risks.values()]
        ax.bar(labels, values, bottom=bottom, label=w[cause], color=colours[cause])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylim(0, 1)
    _legend(ax, frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.15))
    return _svg(fig)


def _chart_lines(
    x: Sequence[str], series: dict[str, list[float | None]], ylabel: str, ylim: tuple[float, float]
) -> str:
    fig = _figure(6, 3)
    ax = fig.subplots()
    for name, values in series.items():
        points = [(k, v) for k, v in enumerate(values) if v is not None]
        ax.plot([k for k, _ in points], [v for _, v in points], marker="o", label=name)
    ax.set_xticks(range(len(x)), labels=list(x))
    ax.set_ylabel(ylabel)
    ax.set_ylim(*ylim)
    _legend(ax, frameon=False, fontsize=8)
    return _svg(fig)


def _chart_bars(x: Sequence[str], values: Sequence[float | None], ylabel: str) -> str:
    fig = _figure(6, 2.8)
    ax = fig.subplots()
    ax.bar(list(x), [v or 0.0 for v in values], color="#0072B2")
    ax.set_ylim(0, 1)
    ax.set_ylabel(ylabel)
    return _svg(fig)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _validation_section(
    report: ValidationReport, w: dict[str, str], pub: _Publish, lang: Lang
) -> str:
    parts = [f"<h2>{_e(w['validation'])}</h2>"]
    summary = [
        [w["participants"], pub.total(report.participants)],
        [w["loaded"], pub.total(report.loaded)],
        [w["quarantined"], pub.count(len(report.quarantined))],
        [w["errors"], pub.total(len(report.errors))],
        [w["warnings"], pub.total(len(report.warnings))],
    ]
    parts.append(_table(["", w["count"]], summary))
    counts = report.counts()
    if counts:
        # each code with what it means, in the report's language
        rows = tuple(f"{code}: {Code.of(code).meaning(lang=lang)}" for code in counts)
        table = CountTable(
            title="codes",
            rows=rows,
            columns=(w["count"],),
            counts=tuple((n,) for n in counts.values()),
        )
        parts.append(pub.table(table, w["code"], w["total"]))
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


def _rate(rates: Any, pub: _Publish, moment: MeasurementMoment | None) -> str:
    """Response = (done + late) / (done + late + missing), from the published counts."""
    moments = list(MeasurementMoment) if moment is None else [moment]
    answered = sum(
        rates.counts[m][s]
        for m in moments
        for s in (MeasurementStatus.DONE, MeasurementStatus.LATE)
    )
    asked = answered + sum(rates.counts[m][MeasurementStatus.MISSING] for m in moments)
    return pub.ratio(answered, asked)


@checked
def report_html(
    cohort: Cohort,
    *,
    report: ValidationReport | None = None,
    lang: Lang = "nl",
    suppress: int | None = None,
    charts: bool | None = None,
    progress: Progress | None = None,
) -> str:
    """The report on ``cohort`` as one HTML page (a string). ``charts`` defaults to whether
    the ``[report]`` extra is installed; ``progress`` is called with a word per step."""
    if suppress is not None and suppress < 1:
        raise FieldError(
            "suppress must be a whole number >= 1", code=Code.INVALID_THRESHOLD, field="suppress"
        )
    draw = charts_available() if charts is None else charts
    if draw and not charts_available():
        raise ImportError("charts need matplotlib: pip install 'piezomethod[report]'")
    w = _WORDS[lang]
    step = progress or (lambda _: None)
    moments = {m: m.label(lang=lang) for m in MeasurementMoment}
    pub = _Publish(suppress)
    n = len(cohort)
    shown_n = f"{w['about']} {pub.total(n)}" if suppress else _num(n)
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
    if not draw:
        parts.append(f'<p class="note">{_e(w["no_charts"])}</p>')
    if report is not None:
        parts.append(_validation_section(report, w, pub, lang))

    step("entry")
    entries = entry_phases(cohort)
    parts += [f"<h2>{_e(w['entry'])}</h2>", f'<p class="note">{_e(w["entry_note"])}</p>']
    parts.append(pub.table(entries, w["phase"], w["total"]))
    if draw:
        parts.append(f"<figure>{_chart_entry(entries, w)}</figure>")

    step("flows")
    flows = transition_matrix(cohort)
    parts += [f"<h2>{_e(w['flows'])}</h2>", f'<p class="note">{_e(w["flows_note"])}</p>']
    parts.append(pub.table(flows, w["from"], w["total"]))
    if draw and suppress is None:
        parts.append(f"<figure>{_chart_flows(flows, w)}</figure>")

    step("time in phase")
    curves = time_in_phase(cohort)
    overall = all_phases(cohort)
    parts += [f"<h2>{_e(w['time'])}</h2>", f'<p class="note">{_e(w["time_note"])}</p>']
    rows = [
        [
            f"{w['phase']} {int(p)}",
            pub.total(c.n),
            _num(c.median) if pub.enough(c.n) else "–",
            _num(overall.phase_means[p]) if pub.enough(c.n) else "–",
        ]
        for p, c in curves.items()
    ]
    rows.append([w["all_phases"], "", _num(overall.median_months), _num(overall.mean_months)])
    parts.append(_table([w["phase"], w["stays"], w["median"], w["mean"]], rows))
    parts.append(f'<p class="note">{_e(w["all_phases_note"])}</p>')
    if draw:
        parts.append(f"<figure>{_chart_curves(curves, w)}</figure>")

    step("leaving")
    risks = leaving_phase(cohort)
    parts += [f"<h2>{_e(w['leaving'])}</h2>", f'<p class="note">{_e(w["leaving_note"])}</p>']
    ended = _endings(flows)
    rows = [
        [
            f"{w['phase']} {int(p)}",
            pub.total(r.n),
            *(pub.estimate(r.final(c), r.n) if pub.enough(r.n) else "–" for c in r.causes),
            pub.count(ended[p]["open"]),
        ]
        for p, r in risks.items()
    ]
    header = [w["phase"], w["stays"], w["advance"], w["setback"], w["exit"], w["staying"]]
    parts.append(_table(header, rows))
    if draw:
        parts.append(f"<figure>{_chart_leaving(risks, w)}</figure>")

    step("groups")
    parts.append(f"<h2>{_e(w['subgroups'])}</h2>")
    for by in ("age_band", "gender", "statushouder"):
        table = subgroups(cohort, by)
        rows = []
        for g in table.groups:
            count = table.participants[g]
            shown = pub.count(count)
            big = pub.enough(count)
            label = w.get(g, g) if by == "statushouder" else g
            rows.append(
                [
                    label,
                    shown,
                    *(_num(table.median_months[g][p]) if big else "–" for p in Phase),
                    pub.estimate(table.work_or_education[g], count - table.active[g]),
                ]
            )
        header = [w[by], w["participants"], *(f"{w['median']} {int(p)}" for p in Phase), w["work"]]
        parts.append(_table(header, rows))

    step("outcomes")
    outcomes = outcome_development(cohort)
    parts += [f"<h2>{_e(w['outcomes'])}</h2>", f'<p class="note">{_e(w["outcomes_note"])}</p>']
    header = [w["moment"], w["responses"], *outcomes.scales, *(f"% {i}" for i in outcomes.shares)]
    rows = [
        [
            moments[m],
            pub.count(outcomes.responses[m]),
            *(
                _num(outcomes.means[m][s], 2) if pub.enough(outcomes.responses[m]) else "–"
                for s in outcomes.scales
            ),
            *(
                pub.estimate(outcomes.share_yes[m][i], outcomes.responses[m])
                for i in outcomes.shares
            ),
        ]
        for m in outcomes.moments
    ]
    parts.append(_table(header, rows))
    if draw:
        x = [moments[m] for m in outcomes.moments]
        series = {
            s: [outcomes.means[m][s] for m in outcomes.moments]
            for s in outcomes.scales
            if s in {"geluk", "kalm_rustig", "neerslachtig", "gezondheid_algemeen", "taal_spreken"}
        }
        parts.append(f"<figure>{_chart_lines(x, series, '', (0, 10))}</figure>")
        shares = {i: [outcomes.share_yes[m][i] for m in outcomes.moments] for i in outcomes.shares}
        parts.append(f"<figure>{_chart_lines(x, shares, '', (0, 1))}</figure>")

    step("response")
    rates = response_rates(cohort)
    parts += [f"<h2>{_e(w['response'])}</h2>", f'<p class="note">{_e(w["response_note"])}</p>']
    statuses = tuple(MeasurementStatus)
    rows = [
        [moments[m], *(pub.count(rates.counts[m][s]) for s in statuses), _rate(rates, pub, m)]
        for m in MeasurementMoment
    ]
    rows.append([w["total"], *("" for _ in statuses), _rate(rates, pub, None)])
    parts.append(_table([w["moment"], *(s.label(lang=lang) for s in statuses), w["rate"]], rows))
    if draw:
        values = [rates.rate(m) for m in MeasurementMoment]
        parts.append(f"<figure>{_chart_bars(list(moments.values()), values, w['rate'])}</figure>")

    made = w["made_by"].format(v=_version(), d=datetime.date.today().isoformat())
    parts.append(f"<footer>{_e(made)}</footer></body></html>")
    step("done")
    return "\n".join(parts)


@checked
def write_report(path: str | os.PathLike[str], cohort: Cohort, **options: Any) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(report_html(cohort, **options), encoding="utf-8")
    return target
