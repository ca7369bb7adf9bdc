"""Example tests for instruments, scoring, change, the schedule and compliance."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from piezomethod.errors import FieldError, InstrumentError, ScoringError
from piezomethod.instruments import instrument
from piezomethod.outcomes import (
    AnswerCode,
    Band,
    Criterion,
    Indicator,
    Instrument,
    Interpretation,
    Item,
    Measurement,
    MeasurementMoment,
    MeasurementStatus,
    MeasurementWindows,
    Option,
    OutcomeDomain,
    Response,
    ResponseScale,
    Rung,
    Scale,
    ScaleItem,
    ScoreStatus,
    Text,
    Transform,
    change,
    compliance,
    schedule,
    score,
)
from piezomethod.phases import (
    Enrolment,
    Event,
    Exit,
    ExitDestination,
    Phase,
    Trajectory,
)
from tests.builders import trajectory

D = datetime.date


def respond(ins: Instrument, answers: Mapping[str, AnswerCode]) -> Response:
    return Response(instrument_id=ins.id, instrument_version=ins.version, answers=answers)


def mhi5(*codes: int) -> Response:
    return respond(instrument("mhi5"), {f"mhi5_{n + 1}": c for n, c in enumerate(codes) if c})


# --- MHI-5: worked examples ----------------------------------------------------------------
# Source: the scoring rule and cut-offs as CBS (Gezondheidsenquête: recode to 0-5, sum, x4,
# below 60 psychisch ongezond) and the GGD Gezondheidsmonitor (60 or below) publish them; the
# answer sets and their scores are the worked examples given in issue 3 of this project.


@pytest.mark.parametrize(
    ("answers", "value", "cbs", "ggd"),
    [
        ((4, 5, 2, 4, 3), 68, "gezond", "gezond"),
        ((4, 5, 4, 4, 3), 60, "gezond", "ongezond"),
        ((6, 6, 1, 6, 1), 100, "gezond", "gezond"),  # best: never nervous/down, always calm/happy
        ((1, 1, 6, 1, 6), 0, "ongezond", "ongezond"),  # worst
    ],
)
def test_mhi5_worked_examples(answers: tuple[int, ...], value: int, cbs: str, ggd: str) -> None:
    result = score(instrument("mhi5"), mhi5(*answers)).scale("mhi5")
    assert result.value == value
    assert result.status is ScoreStatus.SCORED
    assert (result.band("cbs").code, result.band("ggd").code) == (cbs, ggd)


def test_mhi5_item_order_and_answer_codes_follow_cbs() -> None:
    ins = instrument("mhi5")
    assert [i.id for i in ins.items] == [f"mhi5_{n}" for n in range(1, 6)]
    stems = ["erg zenuwachtig", "in de put", "kalm en rustig", "neerslachtig en somber", "gelukkig"]
    assert all(stem in item.text.nl for stem, item in zip(stems, ins.items, strict=True))
    labels = [o.label.nl for o in ins.response_scale("frequentie6").options]
    assert labels == ["voortdurend", "meestal", "vaak", "soms", "zelden", "nooit"]
    assert [o.code for o in ins.response_scale("frequentie6").options] == [1, 2, 3, 4, 5, 6]


def test_mhi5_missing_item_gives_no_score_by_default() -> None:
    result = score(instrument("mhi5"), mhi5(4, 5, 2, 4, 0)).scale("mhi5")
    assert (result.value, result.status, result.answered, result.required) == (None, ScoreStatus.TOO_FEW_ANSWERS, 4, 5)  # fmt: skip
    with pytest.raises(FieldError) as info:
        result.band("cbs")
    assert (info.value.code, info.value.field) == ("no_band", "interpretation_id")


@pytest.mark.parametrize(
    ("answers", "value"),
    [
        # RAND rule: mean of the answered items (0-5) x 20, with at least 3 of 5 answered.
        ((4, 5, 2, 4, 0), 70),  # (3 + 4 + 4 + 3) / 4 * 20
        ((4, 5, 2, 0, 0), 220 / 3),  # (3 + 4 + 4) / 3 * 20
        ((4, 5, 2, 4, 3), 68),  # complete: the same as the default rule
    ],
)
def test_mhi5_rand_rule_when_asked(answers: tuple[int, ...], value: float) -> None:
    result = score(instrument("mhi5"), mhi5(*answers), prorate=True).scale("mhi5")
    assert result.value == pytest.approx(value, abs=0)


def test_mhi5_rand_rule_needs_three_answers() -> None:
    result = score(instrument("mhi5"), mhi5(4, 5, 0, 0, 0), prorate=True).scale("mhi5")
    assert result.value is None
    assert result.status is ScoreStatus.TOO_FEW_ANSWERS


# --- the other built-ins -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "band"),
    [
        (1, 5, "zeer_goed_of_goed"),
        (2, 4, "zeer_goed_of_goed"),
        (3, 3, "minder_dan_goed"),
        (5, 1, "minder_dan_goed"),
    ],
)
def test_cbs_perceived_health(code: int, value: int, band: str) -> None:
    # Source: CBS Gezondheidsenquête reports the share with a "(zeer) goed" perceived health.
    ins = instrument("cbs-ervaren-gezondheid")
    result = score(ins, respond(ins, {"ervaren_gezondheid": code})).scale("ervaren_gezondheid")
    assert (result.value, result.band("cbs").code) == (value, band)


@pytest.mark.parametrize(("code", "value"), [(1, 100), (2, 75), (3, 50), (4, 25), (5, 0)])
def test_rand36_general_health_recode(code: int, value: int) -> None:
    # Source: RAND-36 scoring, item 1: uitstekend 100, zeer goed 75, goed 50, matig 25, slecht 0.
    ins = instrument("rand36-algemene-gezondheid")
    assert score(ins, respond(ins, {"rand36_1": code})).scale("algemene_gezondheid").value == value


@pytest.mark.parametrize(
    ("mark", "band"),
    [
        (1, "ongelukkig"),
        (4, "ongelukkig"),
        (5, "neutraal"),
        (6, "neutraal"),
        (7, "gelukkig"),
        (10, "gelukkig"),
    ],
)
def test_cbs_happiness_bands(mark: int, band: str) -> None:
    # Source: CBS, happiness 1-10: 1-4 ongelukkig, 5-6 neutraal, 7-10 gelukkig.
    ins = instrument("cbs-geluk")
    assert score(ins, respond(ins, {"geluk": mark})).scale("geluk").band("cbs").code == band


@pytest.mark.parametrize(
    ("answers", "rung"),
    [
        (
            {
                "pl_sociaal_contact": "nee",
                "pl_georganiseerde_activiteit": "nee",
                "pl_onbetaald_werk": "nee",
                "pl_betaald_werk": "nee",
            },
            1,
        ),
        (
            {
                "pl_sociaal_contact": "ja",
                "pl_georganiseerde_activiteit": "nee",
                "pl_onbetaald_werk": "nee",
                "pl_betaald_werk": "nee",
            },
            2,
        ),
        (
            {
                "pl_sociaal_contact": "ja",
                "pl_georganiseerde_activiteit": "ja",
                "pl_onbetaald_werk": "nee",
                "pl_betaald_werk": "nee",
            },
            3,
        ),
        ({"pl_onbetaald_werk": "ja", "pl_betaald_werk": "nee"}, 4),
        ({"pl_betaald_werk": "ja", "pl_ondersteuning": "ja"}, 5),
        ({"pl_betaald_werk": "ja", "pl_ondersteuning": "nee", "pl_sociaal_contact": "nee"}, 6),
        # a higher rung that cannot be decided gives no rung rather than a guess
        ({"pl_betaald_werk": "ja", "pl_onbetaald_werk": "ja"}, None),
        ({"pl_onbetaald_werk": "ja"}, None),
        ({}, None),
    ],
)
def test_participation_ladder_highest_rung(
    answers: dict[str, AnswerCode], rung: int | None
) -> None:
    # Source: VNG/Divosa Participatieladder: 1 geïsoleerd ... 6 betaald werk; highest rung met.
    ins = instrument("participatieladder")
    result = score(ins, respond(ins, answers)).indicator("trede")
    assert result.value == rung
    assert result.status is (ScoreStatus.SCORED if rung else ScoreStatus.UNDETERMINED)


def test_language_levels_are_ordered_and_a0_is_not_cefr() -> None:
    ins = instrument("taalniveau")
    options = ins.response_scale("taalniveau").options
    assert [o.code for o in options] == ["A0", "A1", "A2", "B1", "B2", "C1", "C2"]
    assert [o.value for o in options] == [0, 1, 2, 3, 4, 5, 6]
    assert "not a CEFR level" in options[0].label.en
    assert {i.id for i in ins.items} == {f"taal_{s}" for s in ["luisteren", "lezen", "gesprekken", "spreken", "schrijven"]}  # fmt: skip
    result = score(ins, respond(ins, {"taal_spreken": "B1"})).scale("taal_spreken")
    assert (result.value, result.band("niveau").code) == (3, "B1")
    assert (
        score(ins, respond(ins, {"taal_spreken": "C2"})).scale("taal_spreken").band("niveau").code
        == "C2"
    )


def test_effect_questionnaire_is_marked_reconstructed_and_covers_four_domains() -> None:
    ins = instrument("piezo-effectmeting")
    assert ins.reconstructed
    assert ins.notes is not None
    assert "Inferred" in ins.notes.en
    assert {i.domain.value for i in ins.items} == {"work_education", "social_participation", "health", "language"}  # fmt: skip


# --- scoring errors ------------------------------------------------------------------------


def test_scoring_errors_list_every_problem_and_never_the_answer() -> None:
    ins = instrument("taalniveau")
    bad = Response(
        instrument_id="taalniveau",
        instrument_version="0.9",
        answers={"taal_spreken": "Z9", "taal_zingen": "B1", "taal_lezen": 3},
    )
    with pytest.raises(ScoringError) as info:
        score(ins, bad)
    assert info.value.code == "invalid_response"
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "$.instrument_version",
        "$.answers.taal_spreken",
        "$.answers",
        "$.answers.taal_lezen",
    ]
    assert "Z9" not in str(info.value) + "".join(str(p) for p in info.value.problems)


def test_a_response_to_another_instrument_is_refused() -> None:
    with pytest.raises(ScoringError) as info:
        score(instrument("cbs-geluk"), mhi5(4, 5, 2, 4, 3))
    assert info.value.code == "invalid_response"
    assert info.value.problems[0].path == "$.instrument_id"


@pytest.mark.parametrize("answers", [{"x": True}, {"x": 1.5}, {1: 2}, ["x"]])
def test_response_answers_must_be_codes(answers: Any) -> None:
    with pytest.raises(FieldError) as info:
        Response(instrument_id="x", instrument_version="1", answers=answers)
    assert (info.value.code, info.value.field) == ("wrong_type", "answers")


def test_responses_are_immutable_values() -> None:
    answers = {"geluk": 7}
    r = respond(instrument("cbs-geluk"), answers)
    answers["geluk"] = 1
    assert r.answers["geluk"] == 7
    assert r == respond(instrument("cbs-geluk"), {"geluk": 7})
    with pytest.raises(TypeError):
        r.answers["geluk"] = 2  # type: ignore[index]


# --- change ----------------------------------------------------------------------------------


def test_change_between_two_sheets() -> None:
    ins = instrument("mhi5")
    before = score(ins, mhi5(4, 5, 4, 4, 3))  # 60
    after = score(ins, mhi5(4, 5, 2, 4, 3))  # 68
    missing = score(ins, mhi5(4, 5, 2, 4, 0))
    (delta,) = change(before, after, instrument=ins)
    assert (delta.before, delta.after, delta.difference, delta.improved) == (60, 68, 8, True)
    (worse,) = change(after, before, instrument=ins)
    assert (worse.difference, worse.improved) == (-8, False)
    (unknown,) = change(before, missing, instrument=ins)
    assert (unknown.difference, unknown.improved) == (None, None)
    with pytest.raises(ScoringError) as info:
        change(
            before,
            score(instrument("cbs-geluk"), respond(instrument("cbs-geluk"), {"geluk": 5})),
            instrument=ins,
        )
    assert info.value.code == "instrument_mismatch"
    assert [p.path for p in info.value.problems] == ["$.after"]


# --- instrument rules ----------------------------------------------------------------------

YES_NO = ResponseScale(id="yn", options=(Option(code=1, label=Text(nl="ja", en="yes"), value=1), Option(code=0, label=Text(nl="nee", en="no"), value=0)))  # fmt: skip
T = Text(nl="t", en="t")
ITEM_A = Item(id="a", text=T, domain=OutcomeDomain.HEALTH, response_scale="yn")
ITEM_B = Item(id="b", text=T, domain=OutcomeDomain.HEALTH, response_scale="yn")


def _instrument(**changes: Any) -> Instrument:
    base: dict[str, Any] = {
        "id": "test",
        "version": "1",
        "title": T,
        "source": "a test",
        "licence": "none",
        "reconstructed": False,
        "items": (ITEM_A, ITEM_B),
        "response_scales": (YES_NO,),
        "scales": (Scale(id="s", label=T, items=(ScaleItem(item="a"), ScaleItem(item="b"))),),
    }
    base.update(changes)
    return Instrument(**base)


def band(
    code: str, lower: float | None, upper: float | None, lo_in: bool = True, hi_in: bool = False
) -> Band:
    return Band(
        code=code, label=T, lower=lower, upper=upper, lower_inclusive=lo_in, upper_inclusive=hi_in
    )


def scale_with(*bands: Band, **kw: Any) -> Scale:
    return Scale(id="s", label=T, items=(ScaleItem(item="a"), ScaleItem(item="b")), interpretations=(Interpretation(id="i", source="x", bands=bands),), **kw)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"items": ()}, "$.items", "an instrument needs at least one item"),
        ({"items": (Item(id="a", text=T, domain=OutcomeDomain.HEALTH, response_scale="nope"),)}, "$.items[0].response_scale", "no response scale 'nope'"),
        ({"response_scales": (YES_NO, YES_NO)}, "$.response_scales", "id 'yn' is used twice"),
        ({"response_scales": (ResponseScale(id="yn", options=(Option(code=1, label=T, value=1), Option(code="1", label=T, value=0))),)}, "$.response_scales[0].options", "two answer codes read the same as text (1 and '1', 'a1' and 'A1')"),
        ({"response_scales": (ResponseScale(id="yn", options=(Option(code="a1", label=T, value=1), Option(code="A1", label=T, value=0))),)}, "$.response_scales[0].options", "two answer codes read the same as text (1 and '1', 'a1' and 'A1')"),
        ({"scales": (Scale(id="s", label=T, items=(ScaleItem(item="zz"),)),)}, "$.scales[0].items[0].item", "no usable item 'zz'"),
        ({"scales": (Scale(id="s", label=T, items=(ScaleItem(item="a"),), min_answered=2),)}, "$.scales[0].min_answered", "must be between 1 and the number of items"),
        ({"scales": (Scale(id="s", label=T, items=(ScaleItem(item="a", recode={"7": 1}),)),)}, "$.scales[0].items[0].recode", "codes not in the response scale: ['7']"),
        ({"scales": (Scale(id="s", label=T, items=(ScaleItem(item="a"),), transform=Transform(multiply=0)),)}, "$.scales[0].transform.multiply", "must not be 0"),
        ({"scales": (scale_with(band("lo", 0, 1), band("hi", 1, 2)),)}, "$.scales[0].interpretations[0].bands", "the bands leave the highest values uncovered"),  # sum of two 0/1 items: 0..2
        ({"scales": (scale_with(band("lo", 0, 1, hi_in=True), band("hi", 1, 2, hi_in=True)),)}, "$.scales[0].interpretations[0].bands", "bands 'lo' and 'hi' overlap"),
        ({"scales": (scale_with(band("lo", 0, 1), band("hi", 1, 2, lo_in=False, hi_in=True)),)}, "$.scales[0].interpretations[0].bands", "the bands leave a gap between 'lo' and 'hi'"),
        ({"scales": (scale_with(band("lo", 0.5, 1), band("hi", 1, 2, hi_in=True)),)}, "$.scales[0].interpretations[0].bands", "the bands leave the lowest values uncovered"),
        ({"scales": (scale_with(band("x", 1, 1), band("all", None, None)),)}, "$.scales[0].interpretations[0].bands[0]", "the band is empty"),
        ({"items": (Item(id="a", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="b", codes=(1,))), ITEM_B)}, "$.items[0].asked_if.item", "'b' is not an earlier item of this instrument"),
        ({"items": (Item(id="a", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="a", codes=(1,))), ITEM_B)}, "$.items[0].asked_if.item", "'a' is not an earlier item of this instrument"),
        ({"items": (ITEM_A, Item(id="b", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="zz", codes=(1,))))}, "$.items[1].asked_if.item", "'zz' is not an earlier item of this instrument"),
        ({"items": (ITEM_A, Item(id="b", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="a", codes=("1",))))}, "$.items[1].asked_if.codes", "code not in response scale 'yn'"),
        ({"items": (ITEM_A, Item(id="b", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="a", codes=(1,))))}, "$.scales[0].items[1].item", "a conditional item cannot count in a scale (asked_if)"),
    ],
)  # fmt: skip
def test_instrument_rules(changes: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(InstrumentError) as info:
        _instrument(**changes)
    assert (path, message) in [(p.path, p.message) for p in info.value.problems]


def _chain() -> Instrument:
    """a -> b (asked if a = 1) -> c (asked if b = 0): a condition on a conditional item."""
    b = Item(id="b", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="a", codes=(1,)))  # fmt: skip
    c = Item(id="c", text=T, domain="health", response_scale="yn", asked_if=Criterion(item="b", codes=(0,)))  # fmt: skip
    rung = Rung(value=2, label=T, criteria=(Criterion(item="c", codes=(1,)),))
    ladder = Indicator(id="l", label=T, rungs=(rung, Rung(value=1, label=T)))
    return _instrument(items=(ITEM_A, b, c), scales=(), indicators=(ladder,))


@pytest.mark.parametrize(
    ("answers", "asked_b", "asked_c", "rung"),
    [
        ({"a": 1, "b": 0, "c": 1}, True, True, 2),
        ({"a": 1, "b": 0, "c": 0}, True, True, 1),
        ({"a": 1, "b": 1, "c": 1}, True, False, 1),  # c answered but not asked: ignored
        ({"a": 0, "b": 0, "c": 1}, False, False, 1),  # b not asked, so neither is c
        ({"a": 1}, True, None, None),  # b unanswered: whether c applies is unknown
        ({}, None, None, None),
    ],
)
def test_conditional_items_chain_and_an_unasked_item_does_not_count(
    answers: dict[str, AnswerCode], asked_b: bool | None, asked_c: bool | None, rung: int | None
) -> None:
    ins = _chain()
    assert (ins.asked("a", answers), ins.asked("b", answers), ins.asked("c", answers)) == (
        True,
        asked_b,
        asked_c,
    )
    result = score(ins, respond(ins, answers)).indicator("l")
    assert result.value == rung
    assert result.status == ("scored" if rung else "undetermined")


def test_the_methods_questionnaire_asks_the_education_level_only_when_following_one() -> None:
    e = instrument("piezo-effectmeting")
    assert e.item("opleiding_niveau").asked_if == Criterion(item="opleiding_volgt", codes=("ja",))
    ladder = instrument("participatieladder")
    assert ladder.item("pl_ondersteuning").asked_if == Criterion(
        item="pl_betaald_werk", codes=("ja",)
    )
    # support in paid work without paid work: not asked, so not rung 5 but what else holds
    answers = {"pl_betaald_werk": "nee", "pl_ondersteuning": "ja", "pl_onbetaald_werk": "ja"}
    assert score(ladder, respond(ladder, answers)).indicator("trede").value == 4


def test_open_ended_bands_cover_a_scale() -> None:
    ins = _instrument(scales=(scale_with(band("low", None, 1), band("high", 1, None)),))
    sheet = score(ins, respond(ins, {"a": 1, "b": 0}))
    assert sheet.scale("s").band("i").code == "high"


def test_every_instrument_problem_is_reported_at_once() -> None:
    with pytest.raises(InstrumentError) as info:
        _instrument(
            response_scales=(YES_NO, YES_NO),
            scales=(Scale(id="s", label=T, items=(ScaleItem(item="zz"),)),),
        )
    assert info.value.code == "invalid_instrument"
    assert [p.path for p in info.value.problems] == [
        "$.response_scales",
        "$.scales[0].items[0].item",
    ]


def test_an_option_without_a_value_counts_as_unanswered_in_a_scale() -> None:
    scale = ResponseScale(id="yn", options=(Option(code=1, label=T, value=1), Option(code=9, label=Text(nl="weet niet", en="don't know"))))  # fmt: skip
    ins = _instrument(response_scales=(scale,))
    result = score(ins, respond(ins, {"a": 1, "b": 9})).scale("s")
    assert (result.value, result.answered, result.status) == (None, 1, ScoreStatus.TOO_FEW_ANSWERS)


# --- schedule and compliance -----------------------------------------------------------------


def _trajectory() -> Trajectory:
    steps = ((D(2020, 1, 6), 1), (D(2020, 10, 5), 2), (D(2021, 1, 31), "paid_work"))
    return trajectory("p-1", *steps, (D(2022, 3, 1), 2))


def test_schedule_lists_every_due_moment_with_calendar_month_follow_up() -> None:
    due = schedule(_trajectory(), as_of=D(2022, 6, 1))
    assert [(d.moment.value, d.due, d.phase, d.event_index) for d in due] == [
        ("entry", D(2020, 1, 6), Phase(1), 0),
        ("transition", D(2020, 10, 5), Phase(2), 1),
        ("exit", D(2021, 1, 31), Phase(2), 2),
        ("follow_up", D(2021, 4, 30), Phase(2), 2),  # 31 January + 3 months = 30 April
        ("entry", D(2022, 3, 1), Phase(2), 3),
    ]
    assert (due[0].window_start, due[0].window_end) == (D(2020, 1, 6), D(2020, 2, 5))


def test_schedule_ignores_events_after_as_of_and_takes_custom_windows() -> None:
    windows = MeasurementWindows(transition_before=0, transition_after=7, follow_up_months=6)
    due = schedule(_trajectory(), as_of=D(2021, 2, 1), windows=windows)
    assert [d.moment.value for d in due] == ["entry", "transition", "exit", "follow_up"]
    assert due[1].window_end == D(2020, 10, 12)
    assert due[3].due == D(2021, 7, 31)
    with pytest.raises(FieldError) as info:
        MeasurementWindows(entry_after=-1)
    assert (info.value.code, info.value.field) == ("invalid_count", "entry_after")


def _measurement(moment: MeasurementMoment, day: datetime.date, pid: str = "p-1") -> Measurement:
    ins = instrument("cbs-geluk")
    return Measurement(
        participant_id=pid, moment=moment, date=day, response=respond(ins, {"geluk": 7})
    )


def test_compliance_statuses_and_response_rate() -> None:
    measurements = [
        _measurement(MeasurementMoment.ENTRY, D(2020, 1, 20)),  # done (in window)
        _measurement(MeasurementMoment.TRANSITION, D(2020, 12, 1)),  # late (window closed 4 Nov)
        _measurement(MeasurementMoment.FOLLOW_UP, D(2021, 5, 3)),  # done
        _measurement(MeasurementMoment.ENTRY, D(2020, 1, 21), pid="someone-else"),  # not theirs
        _measurement(MeasurementMoment.EXIT, D(2019, 1, 1)),  # before anything: unmatched
    ]
    report = compliance(_trajectory(), measurements, as_of=D(2022, 3, 10))
    assert [(m.due.moment.value, m.status.value) for m in report.moments] == [
        ("entry", "done"),
        ("transition", "late"),
        ("exit", "missing"),
        ("follow_up", "done"),
        ("entry", "due"),  # the re-entry's window is still open
    ]
    assert report.response_rate == 3 / 4
    assert [m.date for m in report.unmatched] == [D(2019, 1, 1)]
    later = compliance(_trajectory(), measurements, as_of=D(2022, 6, 1))
    assert later.moments[-1].status is MeasurementStatus.MISSING
    assert later.response_rate == 3 / 5


def test_compliance_before_anything_is_due() -> None:
    events: list[Event] = [
        Enrolment(date=D(2020, 1, 1), phase=Phase(0)),
        Exit(date=D(2020, 2, 1), destination=ExitDestination.HEALTH),
    ]
    t = Trajectory.from_events("p-1", events)
    report = compliance(t, [], as_of=D(2020, 2, 2))
    assert [m.status.value for m in report.moments] == ["missing", "due", "not_yet_due"]
    assert report.response_rate == 0
    assert (
        compliance(Trajectory(participant_id="p-1"), [], as_of=D(2020, 1, 1)).response_rate is None
    )


def test_compliance_can_be_limited_to_one_instrument() -> None:
    m = _measurement(MeasurementMoment.ENTRY, D(2020, 1, 20))
    report = compliance(_trajectory(), [m], as_of=D(2020, 2, 1), instrument_id="mhi5")
    assert report.moments[0].status is MeasurementStatus.DUE
    report = compliance(_trajectory(), [m], as_of=D(2020, 2, 1), instrument_id="cbs-geluk")
    assert report.moments[0].status is MeasurementStatus.DONE


def test_measurement_window_lookup_is_total() -> None:
    w = MeasurementWindows()
    assert {m: w.window(m) for m in MeasurementMoment} == {
        MeasurementMoment.ENTRY: (0, 30),
        MeasurementMoment.TRANSITION: (14, 30),
        MeasurementMoment.EXIT: (14, 30),
        MeasurementMoment.FOLLOW_UP: (14, 30),
    }
    assert attrs.evolve(w, exit_after=60).window(MeasurementMoment.EXIT) == (14, 60)
