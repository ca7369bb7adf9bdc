"""Properties of the working mechanisms: coverage bounds and monotonicity, evaluate's restraint,
every mechanism in every phase, and the framework's round trip."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from piezomethod import strategies as pst
from piezomethod.catalogues import mechanism_framework, skill_catalogue
from piezomethod.instruments import instrument
from piezomethod.mechanisms import (
    DECISION_RULES,
    Answer,
    Assessment,
    ItemAnswer,
    Level,
    MechanismFramework,
    coverage,
    evaluate,
    team_overview,
)
from piezomethod.phases import Phase
from piezomethod.records import ParticipantRecord
from piezomethod.serialization import from_json, to_dict, to_json

FW = mechanism_framework()


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    level = draw(st.sampled_from(Level))
    phase = draw(st.sampled_from(Phase))
    items = [i for i in FW.items() if i.level is level and phase in i.phases]
    chosen = draw(st.lists(st.sampled_from(items), unique_by=lambda i: i.id)) if items else []
    return Assessment(
        subject_id="s-1",
        level=level,
        phase=phase,
        date=datetime.date(2022, 1, 1),
        answers=[ItemAnswer(item_id=i.id, answer=draw(st.sampled_from(Answer))) for i in chosen],
    )


@given(assessments())
def test_coverage_is_within_0_and_1(a: Assessment) -> None:
    for c in coverage(a, framework=FW):
        assert c.score is None or 0 <= c.score <= 1
        assert c.recommendation_score is None or 0 <= c.recommendation_score <= 1
        answered = c.answered + c.recommendations_answered
        assert answered + len(c.unanswered) <= c.applicable + c.recommendations_applicable
        assert set(c.gaps) <= {x.item_id for x in a.answers}


@given(assessments(), st.data())
def test_a_better_answer_never_lowers_coverage(a: Assessment, data: st.DataObject) -> None:
    worse = [n for n, x in enumerate(a.answers) if x.answer in (Answer.NO, Answer.PARTLY)]
    if not worse:
        return
    n = data.draw(st.sampled_from(worse))
    better = (
        Answer.YES
        if a.answers[n].answer is Answer.NO
        else data.draw(st.sampled_from([Answer.YES, Answer.PARTLY]))
    )
    answers = list(a.answers)
    answers[n] = ItemAnswer(item_id=answers[n].item_id, answer=better)
    improved = Assessment(
        subject_id=a.subject_id, level=a.level, phase=a.phase, date=a.date, answers=answers
    )
    for before, after in zip(
        coverage(a, framework=FW), coverage(improved, framework=FW), strict=True
    ):
        assert before.group_id == after.group_id
        if before.score is not None:
            assert after.score is not None
            assert after.score >= before.score


@given(st.lists(assessments(), max_size=6))
def test_team_overview_stays_within_the_scores(found: list[Assessment]) -> None:
    overview = team_overview(found, framework=FW)
    assert set(overview) == {a.phase for a in found}
    for groups in overview.values():
        assert all(v is None or 0 <= v <= 1 for v in groups.values())


@given(
    pst.participant_records(catalogue=skill_catalogue(), instrument=instrument("cbs-geluk")),
    pst.dates(),
)
def test_evaluate_answers_only_what_the_data_decides(
    record: ParticipantRecord, on: datetime.date
) -> None:
    if not any(s.start <= on for s in record.trajectory.stays()):
        return
    result = evaluate(record, as_of=on, framework=FW)
    assert result.level is Level.PARTICIPANT
    for answer in result.answers:
        item = FW.item(answer.item_id)
        assert item.check is not None
        assert item.level is Level.PARTICIPANT
        assert result.phase in item.phases
        assert DECISION_RULES[item.check](record, result.phase, on) is answer.answer
    undecidable = {i.id for i in FW.items() if i.check is None}
    assert not undecidable & {x.item_id for x in result.answers}


def test_every_mechanism_covers_every_phase() -> None:
    for m in FW.mechanisms:
        covered = {p for i in m.items if i.level is Level.PARTICIPANT for p in i.phases}
        assert covered == set(Phase), m.id


def test_the_framework_round_trips() -> None:
    assert from_json(MechanismFramework, to_json(FW)) == FW
    assert to_dict(from_json(MechanismFramework, to_json(FW))) == to_dict(FW)
