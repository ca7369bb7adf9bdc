"""Charts of the analytics, with matplotlib (the ``[report]`` extra): one drawing path.

The results' ``plot`` methods (:meth:`~piezomethod.analytics.SurvivalCurve.plot`,
:meth:`~piezomethod.analytics.OutcomeDevelopment.plot`, …) and the HTML report draw through
the functions here. Each takes the axes to draw on (``None``: a new figure, as lifelines'
fitters do) and the language of the labels, and returns what it drew on. Labels come from the
method and the instrument, never ids; no legend lies over the data.

>>> from piezomethod.analytics import time_in_phase
>>> from piezomethod.synth import synthetic_cohort
>>> curves = time_in_phase(synthetic_cohort(n=200, seed=1))
>>> axes = time_in_phase_panels(curves, lang="en")
>>> [ax.get_title() for ax in axes][:2]
['phase 0', 'phase 1']
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from piezomethod._i18n import Lang
from piezomethod.errors import Code, FieldError
from piezomethod.outcomes import MeasurementMoment
from piezomethod.phases import Phase

if TYPE_CHECKING:  # pragma: no cover - types only
    from piezomethod.analytics import (
        CompetingRisks,
        CountTable,
        DistanceTravelled,
        OutcomeDevelopment,
        ResponseRates,
        SurvivalCurve,
    )

__all__ = [
    "distance",
    "flows",
    "leaving",
    "outcomes",
    "response",
    "survival",
    "time_in_phase_panels",
    "word",
]

_WORDS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "phase": "fase",
        "months": "maanden",
        "still_in": "nog in de fase",
        "median": "mediaan",
        "entry": "instroom",
        "re_entry": "herinstroom",
        "exit": "uitstroom",
        "advance": "doorstroom",
        "setback": "terugval",
        "skip": "overslaan",
        "participants": "deelnemers",
        "left": "vertrokken",
        "share_yes": "aandeel 'ja'",
        "change": "verandering sinds instroom",
        "rate": "respons",
        "suppressed": "stromen onder {k} niet getekend",
    },
    "en": {
        "phase": "phase",
        "months": "months",
        "still_in": "still in the phase",
        "median": "median",
        "entry": "entry",
        "re_entry": "re-entry",
        "exit": "exit",
        "advance": "advance",
        "setback": "setback",
        "skip": "skip",
        "participants": "participants",
        "left": "left",
        "share_yes": "share 'yes'",
        "change": "change since entry",
        "rate": "response",
        "suppressed": "flows below {k} not drawn",
    },
}
_CAUSE_COLOURS = {"advance": "#009E73", "setback": "#E69F00", "exit": "#999999"}
_ENTRY_COLOUR = "#56B4E9"


def word(key: str, lang: Lang) -> str:
    """A label of the charts in ``lang`` (the report uses the same words)."""
    return _WORDS[lang][key]


def _pyplot_axes(nrows: int = 1, ncols: int = 1, *, size: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt  # noqa: PLC0415 - an optional extra, imported when drawing

    _, axes = plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False)
    return axes


def _one(ax: Any, size: tuple[float, float] = (6.0, 3.2)) -> Any:
    return _pyplot_axes(size=size)[0][0] if ax is None else ax


def _panels(axes: Any, count: int, columns: int, height: float) -> list[Any]:
    """``count`` axes: the ones given, or a new grid (spare cells hidden)."""
    if axes is not None:
        flat = list(getattr(axes, "flat", axes))
        if len(flat) < count:
            raise FieldError(
                f"{count} panels need as many axes, got {len(flat)}", code=Code.SHAPE, field="axes"
            )
        return flat[:count]
    rows = max(1, math.ceil(count / columns))
    grid = _pyplot_axes(rows, columns, size=(2.9 * columns, height * rows))
    flat = list(grid.flat)
    for spare in flat[count:]:
        spare.set_visible(False)
    return flat[:count]


def _wrap(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _below(ax: Any, **options: Any) -> None:
    """A legend under the axes, never over the data (only where something is labelled)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, **options)


# -- time in phase ----------------------------------------------------------------------------


def survival(
    curve: SurvivalCurve,
    ax: Any = None,
    *,
    colour: str = "#0072B2",
    label: str | None = None,
    lang: Lang = "en",
    coarse: bool = False,
) -> Any:
    """A Kaplan-Meier curve as a step line with its confidence band and its median marked.

    ``coarse`` draws it as a published page may: read each whole month and rounded to 5
    points, without its band, so that no step gives the counts behind it away."""
    ax = _one(ax)
    if curve.n:
        if coarse:
            months = range(math.ceil(curve.times[-1]) + 1)
            values = [round(20 * curve.at(t)) / 20 for t in months]
            ax.step(list(months), values, where="post", color=colour, label=label)
        else:
            ax.step(curve.times, curve.survival, where="post", color=colour, label=label)
            ax.fill_between(
                curve.times, curve.lower, curve.upper, step="post", color=colour, alpha=0.2
            )
        if math.isfinite(curve.median):
            median = round(curve.median) if coarse else curve.median
            ax.axvline(median, color=colour, linestyle=":", linewidth=1)
            ax.annotate(
                f"{word('median', lang)} {median:.0f}",
                (median, 0.5),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                color="#333",
            )
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(word("months", lang))
    return ax


def time_in_phase_panels(
    curves: Mapping[Phase, SurvivalCurve],
    axes: Any = None,
    *,
    lang: Lang = "en",
    coarse: bool = False,
) -> list[Any]:
    """Time in each phase as small multiples: one panel per phase, on the same axes' scales
    (``coarse`` as for :func:`survival`)."""
    panels = _panels(axes, len(curves), len(curves), 2.6)
    end = max((c.times[-1] for c in curves.values() if c.times), default=12.0)
    for n, (ax, (phase, curve)) in enumerate(zip(panels, curves.items(), strict=True)):
        survival(curve, ax, colour=phase.colour, lang=lang, coarse=coarse)
        ax.set_title(f"{word('phase', lang)} {int(phase)}")
        ax.set_xlim(0, min(max(end, 1.0), 72.0))
        if n == 0:
            ax.set_ylabel(word("still_in", lang))
        else:
            ax.tick_params(labelleft=False)
    return panels


# -- how a phase ends -------------------------------------------------------------------------


def competing(risks: CompetingRisks, ax: Any = None, *, lang: Lang = "en") -> Any:
    """Each way of leaving as its cumulative incidence over time (Aalen-Johansen)."""
    ax = _one(ax)
    for cause in risks.causes:
        ax.step(
            risks.times,
            risks.incidence[cause],
            where="post",
            color=_CAUSE_COLOURS.get(cause),
            label=word(cause, lang) if cause in _WORDS[lang] else cause,
        )
    ax.set_ylim(0, 1)
    ax.set_xlabel(word("months", lang))
    ax.set_ylabel(word("left", lang))
    _below(ax, ncols=len(risks.causes))
    return ax


def leaving(
    risks: Mapping[Phase, CompetingRisks],
    ax: Any = None,
    *,
    lang: Lang = "en",
    shown: Callable[[Phase, str], float | None] | None = None,
) -> Any:
    """Per phase, the estimated share of stays that ends by each cause, stacked. ``shown``
    gives the share to draw for a phase and cause (None: none), for a published page."""
    ax = _one(ax, (6.0, 3.0))
    labels = [f"{word('phase', lang)} {int(p)}" for p in risks]
    bottom = [0.0] * len(labels)
    share = shown or (lambda p, cause: risks[p].final(cause))
    for cause in ("advance", "setback", "exit"):
        values = [share(p, cause) or 0.0 for p in risks]
        ax.bar(labels, values, bottom=bottom, label=word(cause, lang), color=_CAUSE_COLOURS[cause])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent())
    _below(ax, ncols=3)
    return ax


# -- flows --------------------------------------------------------------------------------------


def flows(
    table: CountTable,
    ax: Any = None,
    *,
    lang: Lang = "en",
    shown: Callable[[int], int | None] | None = None,
    suppressed_below: int | None = None,
) -> Any:
    """The moves between phases (a :func:`~piezomethod.analytics.transition_matrix`) as a
    Sankey-style diagram: the phases left to right, each as tall as the stays that begin in it;
    entries (and re-entries) come down into a phase from above, exits leave it downwards, moves
    to the next phase run straight between them, skips arc above and setbacks below — each as
    wide as its count, the larger ones labelled.

    ``shown`` maps a true count to the one to draw (None: leave it out), for a published
    report (the rounded counts of :class:`~piezomethod.analytics.Disclosure`)."""
    from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: PLC0415 - optional

    ax = _one(ax, (8.0, 4.4))
    draw = shown or (lambda c: c)
    cell: dict[tuple[str, str], int] = {}
    for r, row in zip(table.rows, table.counts, strict=True):
        for c, count in zip(table.columns, row, strict=True):
            value = draw(count) if count else None
            if value:
                cell[r, c] = value
    phases = [c for c in table.columns if c != "exit"]
    x = {p: float(n) for n, p in enumerate(phases)}
    inflow = {p: cell.get(("entry", p), 0) + cell.get(("re_entry", p), 0) for p in phases}
    into = {p: sum(v for (r, c), v in cell.items() if c == p) for p in phases}
    biggest = max([*cell.values(), *inflow.values(), 1])
    scale = 0.9 / max([*into.values(), 1])

    def band(
        start: tuple[float, float], end: tuple[float, float], count: int, **style: Any
    ) -> None:
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-",
                linewidth=1.0 + 20.0 * count / biggest,
                capstyle="butt",
                zorder=1,
                **style,
            )
        )

    def label(at: tuple[float, float], count: int, always: bool = False) -> None:
        if always or count >= biggest / 12:
            ax.annotate(
                f"{count:,}".replace(",", "\u202f"),
                at,
                ha="center",
                va="center",
                fontsize=8,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )

    for p in phases:
        half = max(into[p] * scale, 0.06) / 2
        if inflow[p]:
            band((x[p], 1.45), (x[p], half), inflow[p], color=_ENTRY_COLOUR, alpha=0.6)
            label((x[p], 1.3), inflow[p], always=True)
        out = cell.get((p, "exit"), 0)
        if out:
            band((x[p], -half), (x[p], -1.45), out, color=_CAUSE_COLOURS["exit"], alpha=0.6)
            label((x[p], -1.3), out, always=True)
    for (r, c), count in sorted(cell.items(), key=lambda kv: -kv[1]):
        if r in ("entry", "re_entry") or c == "exit":
            continue
        dx = x[c] - x[r]
        if dx == 1:
            rad, colour = 0.0, _CAUSE_COLOURS["advance"]
        elif dx > 1:
            rad, colour = -0.3, _CAUSE_COLOURS["advance"]
        else:
            rad, colour = -0.3, _CAUSE_COLOURS["setback"]
        band(
            (x[r], 0.0),
            (x[c], 0.0),
            count,
            connectionstyle=f"arc3,rad={rad}",
            color=colour,
            alpha=0.55,
        )
        label(((x[r] + x[c]) / 2, -rad * dx / 2), count)
    for p in phases:
        height = max(into[p] * scale, 0.06)
        colour = Phase(int(p)).colour
        ax.add_patch(Rectangle((x[p] - 0.07, -height / 2), 0.14, height, color=colour, zorder=2))
        ax.text(x[p] + 0.1, 0.5, f"{word('phase', lang)} {p}", fontsize=9, va="bottom")
    ax.text(-0.45, 1.45, word("entry", lang), fontsize=8, va="center", ha="right", color="#333")
    ax.text(-0.45, -1.45, word("exit", lang), fontsize=8, va="center", ha="right", color="#333")
    ax.set_xlim(-0.9, len(phases) - 0.4)
    ax.set_ylim(-1.6, 1.6)
    ax.axis("off")
    legend = [
        (_ENTRY_COLOUR, f"{word('entry', lang)} / {word('re_entry', lang)}"),
        (_CAUSE_COLOURS["advance"], word("advance", lang)),
        (_CAUSE_COLOURS["setback"], word("setback", lang)),
        (_CAUSE_COLOURS["exit"], word("exit", lang)),
    ]
    for colour, text in legend:
        ax.plot([], [], color=colour, linewidth=6, alpha=0.6, label=text)
    _below(ax, ncols=len(legend))
    if suppressed_below is not None:
        ax.text(
            len(phases) - 0.4,
            1.6,
            word("suppressed", lang).format(k=suppressed_below),
            ha="right",
            va="top",
            fontsize=8,
            color="#555",
        )
    return ax


def counts(
    table: CountTable,
    ax: Any = None,
    *,
    lang: Lang = "en",
    shown: Callable[[int], int | None] | None = None,
) -> Any:
    """A count table as grouped bars: one group per row, one bar per column. Rows that are
    phases are labelled and coloured as phases. ``shown`` as for :func:`flows` (a left-out
    count draws no bar)."""
    ax = _one(ax)
    draw = shown or (lambda c: c)
    phases = all(r.isdigit() and int(r) in range(len(Phase)) for r in table.rows)
    labels = [f"{word('phase', lang)} {r}" if phases else r for r in table.rows]
    width = 0.8 / max(len(table.columns), 1)
    for j, column in enumerate(table.columns):
        values = [draw(row[j]) or 0 for row in table.counts]
        colours = [Phase(int(r)).colour for r in table.rows] if phases else None
        ax.bar(
            [k + j * width for k in range(len(table.rows))],
            values,
            width=width,
            label=column,
            color=colours if len(table.columns) == 1 else None,
        )
    ax.set_xticks(
        [k + width * (len(table.columns) - 1) / 2 for k in range(len(table.rows))],
        labels=labels,
    )
    if len(table.columns) > 1:
        _below(ax, ncols=min(len(table.columns), 6))
    return ax


# -- outcomes ---------------------------------------------------------------------------------


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415 - optional

    return PercentFormatter(1.0, decimals=0)


def _moment_ticks(ax: Any, moments: Sequence[MeasurementMoment], lang: Lang) -> None:
    ax.set_xticks(
        range(len(moments)),
        labels=[_wrap(m.label(lang=lang), 10) for m in moments],
        fontsize=8,
    )
    ax.set_xlim(-0.4, len(moments) - 0.6)


def outcomes(development: OutcomeDevelopment, axes: Any = None, *, lang: Lang = "en") -> list[Any]:
    """One panel per scale on its own axis (its label and range from the instrument) and one
    per yes/no item (the share answering "ja", 0-100%), over the measurement moments."""
    keys = [*development.scales, *development.shares]
    panels = _panels(axes, len(keys), 4, 2.5)
    moments = development.moments
    for ax, key in zip(panels, keys, strict=True):
        share = key in development.shares
        table = development.share_yes if share else development.means
        points = [(k, table[m][key]) for k, m in enumerate(moments)]
        xs = [k for k, v in points if v is not None]
        ys = [v for _, v in points if v is not None]
        ax.plot(xs, ys, marker="o", color="#0072B2")
        label = development.labels.get(key)
        ax.set_title(_wrap(label.get(lang=lang) if label else key), fontsize=10)
        if share:
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(_percent())
        else:
            low, high = development.ranges.get(key, (min(ys, default=0), max(ys, default=1)))
            pad = (high - low) * 0.05
            ax.set_ylim(low - pad, high + pad)
        _moment_ticks(ax, moments, lang)
        ax.grid(axis="y", alpha=0.3)
    return panels


def distance(travelled: DistanceTravelled, axes: Any = None, *, lang: Lang = "en") -> list[Any]:
    """Distance travelled: per scale, the mean paired change from entry to each later moment
    with its confidence interval, around the line of no change (up is better)."""
    panels = _panels(axes, len(travelled.scales), 4, 2.4)
    moments = travelled.moments
    for n, (ax, scale) in enumerate(zip(panels, travelled.scales, strict=True)):
        ax.axhline(0, color="#999", linewidth=1)
        for k, moment in enumerate(moments):
            change = travelled.get(scale, moment)
            if change.mean is None:
                continue
            low = change.mean - change.lower if change.lower is not None else 0.0
            high = change.upper - change.mean if change.upper is not None else 0.0
            colour = "#009E73" if (change.lower or 0) > 0 else "#0072B2"
            if (change.upper if change.upper is not None else 1) < 0:
                colour = "#D55E00"
            ax.errorbar([k], [change.mean], yerr=[[low], [high]], fmt="o", color=colour, capsize=3)
        label = travelled.labels.get(scale)
        ax.set_title(_wrap(label.get(lang=lang) if label else scale), fontsize=10)
        _moment_ticks(ax, moments, lang)
        if n % 4 == 0:
            ax.set_ylabel(_wrap(word("change", lang), 18), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    return panels


def response(
    rates: ResponseRates,
    ax: Any = None,
    *,
    lang: Lang = "en",
    shown: Callable[[MeasurementMoment], float | None] | None = None,
) -> Any:
    """The response rate per measurement moment, as bars (0-100%). ``shown`` gives the rate
    to draw for a moment, for a published page (from its rounded counts)."""
    ax = _one(ax, (6.0, 2.8))
    moments = list(rates.counts)
    values = [(shown or rates.rate)(m) for m in moments]
    ax.bar(
        [_wrap(m.label(lang=lang), 14) for m in moments],
        [v or 0.0 for v in values],
        color="#0072B2",
    )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_ylabel(word("rate", lang))
    return ax
