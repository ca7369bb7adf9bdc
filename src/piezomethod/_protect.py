"""Secondary protection for a page of published counts: audit it, withhold what pins.

Suppression and rounding (:class:`~piezomethod.analytics.Disclosure`) leave no published
figure but a zero exact, yet on a small cohort the rounded figures can still hold a suppressed
count at one value: a ``<10`` flow whose row total and other cells leave room for 9 only. A
statistical office audits a table before it goes out and suppresses a little more where the
audit finds such a cell (secondary suppression). This module does that for the report:

* :class:`Page` collects every count the page publishes as a linear expression over the exact
  counts, under a key, with the relations every reader knows (cells add up to margins, the
  entries are the flows' entry row, the groups add up to everyone, …);
* :meth:`Page.withheld` asks integer programs (HiGHS, through scipy's ``milp``) for the
  smallest and largest value of each suppressed count that the published figures allow, and
  while one is pinned it withholds (shows as ``×``) published aggregates, the margins first,
  until none is. Withholding only removes constraints, so a count once free stays free.

scipy comes with the ``[report]`` extra; without it :func:`available` is False and the
report says that its page was not audited.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

from piezomethod.analytics import Disclosure

__all__ = ["Expr", "Page", "available"]

Expr = Mapping[int, int]
"""A linear expression: variable index to coefficient."""


def available() -> bool:
    """True when scipy (for the integer programs) is installed."""
    return importlib.util.find_spec("scipy") is not None


def add(*exprs: Expr) -> dict[int, int]:
    """The sum of ``exprs``."""
    total: dict[int, int] = {}
    for expr in exprs:
        for i, c in expr.items():
            total[i] = total.get(i, 0) + c
    return {i: c for i, c in total.items() if c}


def minus(expr: Expr) -> dict[int, int]:
    """``-expr``."""
    return {i: -c for i, c in expr.items()}


class Page:
    """The counts of one page under a :class:`~piezomethod.analytics.Disclosure` rule."""

    def __init__(self, rule: Disclosure) -> None:
        self.rule = rule
        self.exact: list[int] = []
        # key -> (expression, total?, preference for withholding: lower goes first)
        self.published: dict[str, tuple[dict[int, int], bool, int]] = {}
        self.relations: list[tuple[dict[int, int], float, float]] = []

    def var(self, value: int) -> dict[int, int]:
        """A new variable for an exact count of ``value``."""
        self.exact.append(value)
        return {len(self.exact) - 1: 1}

    def value(self, expr: Expr) -> int:
        """The exact value of ``expr``."""
        return sum(c * self.exact[i] for i, c in expr.items())

    def count(self, key: str, expr: Expr, *, order: int = 9) -> None:
        """``expr`` is published under ``key`` as a count (``0``, ``<k`` or rounded)."""
        self.published[key] = (dict(expr), False, order)

    def total(self, key: str, expr: Expr, *, order: int = 5) -> None:
        """``expr`` is published under ``key`` as a total (rounded, never ``<k``)."""
        self.published[key] = (dict(expr), True, order)

    def equal(self, left: Expr, right: Expr) -> None:
        """``left == right`` on the exact counts, as every reader knows."""
        self.relations.append((add(left, minus(right)), 0, 0))

    def at_most(self, left: Expr, right: Expr) -> None:
        """``left <= right`` on the exact counts."""
        self.relations.append((add(left, minus(right)), -float("inf"), 0))

    # -- what the page says --------------------------------------------------------------------

    def _interval(self, expr: Expr, total: bool) -> tuple[int, int]:
        """What a reader knows of ``expr`` from its published figure."""
        n, rule = self.value(expr), self.rule
        half = rule.base // 2
        if n == 0:
            return 0, 0
        if not total and rule.suppressed(n):
            return 1, rule.threshold - 1
        shown = int(rule.total(n) if total else rule.count(n))
        if shown == rule.base:  # small figures round up to the base: a total from 1, a count
            return (1 if total else rule.threshold), shown + half  # from the threshold
        return max(shown - half, 1 if total else rule.threshold), shown + half

    def _secrets(self) -> list[str]:
        return [
            key
            for key, (expr, total, _) in self.published.items()
            if not total and self.rule.suppressed(self.value(expr))
        ]

    def _pinned(self, key: str, withheld: set[str]) -> bool:
        """Whether the page without ``withheld`` holds the suppressed count ``key`` at one
        value."""
        np: Any = importlib.import_module("numpy")  # comes with scipy, the optional extra
        optimize: Any = importlib.import_module("scipy.optimize")

        rows: list[tuple[dict[int, int], float, float]] = list(self.relations)
        for other, (expr, total, _) in self.published.items():
            if other not in withheld:
                bounds = self._interval(expr, total)
                rows.append((expr, bounds[0], bounds[1]))
        n = len(self.exact)
        matrix = np.zeros((len(rows), n))
        lows = np.zeros(len(rows))
        highs = np.zeros(len(rows))
        for r, (expr, low, high) in enumerate(rows):
            for i, c in expr.items():
                matrix[r, i] += c
            lows[r], highs[r] = low, high
        constraints = optimize.LinearConstraint(matrix, lows, highs)
        domain = optimize.Bounds(np.zeros(n), np.full(n, np.inf))
        objective = np.zeros(n)
        for i, c in self.published[key][0].items():
            objective[i] = c
        ends: list[int] = []
        for sign in (1, -1):
            found = optimize.milp(
                sign * objective, constraints=constraints, bounds=domain, integrality=np.ones(n)
            )
            if not found.success:  # pragma: no cover - the exact counts are always feasible
                return True
            ends.append(round(sign * found.fun))
        return ends[0] == ends[1]

    def withheld(self) -> set[str]:
        """The keys of the published figures to withhold so that no suppressed count is pinned
        (empty when the page is safe as it is, or nothing is suppressed).

        For each pinned count: the first figure whose withholding alone frees it, in the order
        of :meth:`_candidates`; failing that, figures in that order until it is free. Other
        suppressed counts are candidates too (``×`` says less than ``<k``: not even that the
        count is at least 1), after every published figure."""
        withheld: set[str] = set()
        by_expr: dict[tuple[tuple[int, int], ...], list[str]] = {}
        for key, (expr, _, _) in self.published.items():
            by_expr.setdefault(tuple(sorted(expr.items())), []).append(key)
        for secret in self._secrets():
            if secret in withheld or not self._pinned(secret, withheld):
                continue
            candidates = self._candidates(secret, by_expr, withheld)
            alone = next(
                (g for g in candidates if not self._pinned(secret, withheld | set(g))), None
            )
            if alone is not None:
                withheld.update(alone)  # the same figure wherever it is published
                continue
            for group in candidates:
                withheld.update(group)
                if not self._pinned(secret, withheld):
                    break
            else:  # pragma: no cover - with everything withheld nothing can be pinned
                raise AssertionError("a suppressed count stays pinned")
        return withheld

    def _candidates(
        self,
        secret: str,
        by_expr: Mapping[tuple[tuple[int, int], ...], list[str]],
        withheld: set[str],
    ) -> list[list[str]]:
        """Figures that may be withheld, other than ``secret`` itself: published figures
        before suppressed ones, those that share a count with ``secret`` first, then in their
        order of preference (margins before headline numbers)."""
        variables = set(self.published[secret][0])
        own = self.published[secret][0]
        secrets = set(self._secrets())
        groups = [
            keys
            for keys in by_expr.values()
            if not withheld >= set(keys) and self.published[keys[0]][0] != own
        ]

        def rank(keys: list[str]) -> tuple[int, int, int, str]:
            expr = self.published[keys[0]][0]
            hidden = 1 if secrets & set(keys) else 0
            near = 0 if variables & set(expr) else 1
            return hidden, near, min(self.published[k][2] for k in keys), keys[0]

        return sorted(groups, key=rank)
