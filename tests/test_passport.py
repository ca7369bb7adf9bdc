"""Example tests for the skills catalogue, the passport, goals, placements and milestones."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from piezomethod.catalogues import load_skill_catalogue, skill_catalogue
from piezomethod.errors import FieldError, Severity
from piezomethod.outcomes import Text
from piezomethod.passport import (
    Celebration,
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    GoalStatus,
    MilestoneKind,
    Placement,
    Skill,
    SkillCatalogue,
    SkillCategory,
    Talent,
    milestones_from,
    validate_passport,
)
from piezomethod.phases import (
    Phase,
    Trajectory,
)
from piezomethod.serialization import to_dict
from tests.builders import trajectory

D = datetime.date
CAT = skill_catalogue()


# --- catalogue -----------------------------------------------------------------------------


def test_catalogue_has_the_categories_the_sources_name() -> None:
    # Source: Movisie (2019): employee/volunteer skills, practical skills, soft skills split into
    # personal, emotional, social and intellectual, and language; digital skills per the
    # computer lessons in "Vakkundig aan het werk" (2018).
    assert [c.id for c in CAT.categories] == [
        "werknemersvaardigheden",
        "praktisch",
        "soft_persoonlijk",
        "soft_emotioneel",
        "soft_sociaal",
        "soft_intellectueel",
        "taal",
        "digitaal",
    ]
    employee = {s.id for s in CAT.skills if s.category == "werknemersvaardigheden"}
    assert {
        "op_tijd_komen",
        "afspraken_nakomen",
        "instructies_opvolgen",
        "samenwerken",
        "klantvriendelijkheid",
        "zelfstandig_werken",
        "feedback_ontvangen",
    } <= employee
    assert all(s.label.nl and s.label.en for s in CAT.skills)


def _extension(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "kringloop",
        "version": "1",
        "title": {"nl": "Kringloop", "en": "Thrift shop"},
        "source": "own",
        "categories": [{"id": "winkel", "label": {"nl": "winkel", "en": "shop"}, "source": "own"}],
        "skills": [
            {"id": "prijzen", "category": "winkel", "label": {"nl": "prijzen", "en": "pricing"}}
        ],
    }
    data.update(overrides)
    return data


def test_an_extension_catalogue_adds_skills() -> None:
    merged = CAT.extend(load_skill_catalogue(_extension()))
    assert "prijzen" in merged
    assert "op_tijd_komen" in merged
    assert merged.category("winkel").label.en == "shop"


def test_extension_ids_never_collide_silently() -> None:
    clash = _extension(
        skills=[{"id": "koken", "category": "winkel", "label": {"nl": "k", "en": "k"}}]
    )
    with pytest.raises(FieldError) as info:
        CAT.extend(load_skill_catalogue(clash))
    assert info.value.code == "id_collision"
    assert "koken" in str(info.value)


def test_a_catalogue_with_duplicates_or_orphans_is_refused() -> None:
    t = Text(nl="x", en="x")
    with pytest.raises(FieldError) as info:
        SkillCatalogue(
            id="c",
            version="1",
            title=t,
            source="s",
            categories=[SkillCategory(id="a", label=t)],
            skills=[Skill(id="s", category="a", label=t), Skill(id="s", category="b", label=t)],
        )
    assert (info.value.code, info.value.field) == ("invalid_catalogue", "skills")
    assert "ids used twice: s" in str(info.value)
    assert "unknown categories: b" in str(info.value)


# --- goals ---------------------------------------------------------------------------------


def _goal(**kw: Any) -> DevelopmentGoal:
    base: dict[str, Any] = {
        "id": "g1",
        "skill_id": "samenwerken",
        "phase": 2,
        "set_on": D(2021, 3, 1),
    }
    base.update(kw)
    return DevelopmentGoal(**base)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["in_progress"], True),
        (["in_progress", "achieved"], True),
        (["in_progress", "dropped"], True),
        (["dropped"], True),
        (["achieved"], False),
        (["in_progress", "planned"], False),
        (["in_progress", "achieved", "dropped"], False),
        (["dropped", "in_progress"], False),
        (["in_progress", "in_progress"], False),
    ],
)
def test_goal_status_moves(path: list[str], allowed: bool) -> None:
    goal = _goal()
    try:
        for step, status in enumerate(path):
            goal = goal.advance(GoalStatus(status), on=D(2021, 4, 1 + step))
    except FieldError as err:
        assert not allowed
        assert err.code == "invalid_goal_move"
    else:
        assert allowed
        assert goal.status is GoalStatus(path[-1])


def test_advance_leaves_the_old_goal_untouched_and_dates_achievement() -> None:
    planned = _goal()
    doing = planned.advance(GoalStatus.IN_PROGRESS, on=D(2021, 3, 8))
    done = doing.advance(GoalStatus.ACHIEVED, on=D(2021, 6, 1))
    assert planned.status is GoalStatus.PLANNED
    assert (done.achieved_on, doing.achieved_on) == (D(2021, 6, 1), None)


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"status": "achieved"}, "missing_date", "achieved_on"),
        (
            {"status": "achieved", "achieved_on": D(2021, 2, 1)},
            "achieved_before_set",
            "achieved_on",
        ),
        ({"achieved_on": D(2021, 5, 1)}, "unexpected_date", "achieved_on"),
        ({"status": "finished"}, "unknown_value", "status"),
        ({"phase": 7}, "unknown_phase", "phase"),
        ({"note": "  "}, "blank_text", "note"),
        (
            {
                "evidence": [
                    Evidence(kind="observation", confirmed_by="coach", confirmed_on=D(2020, 1, 1))
                ]
            },
            "evidence_before_set",
            "evidence",
        ),
    ],
)
def test_goals_fail_fast(kw: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        _goal(**kw)
    assert (info.value.code, info.value.field) == (code, field)


def test_evidence_refuses_names_as_confirmers() -> None:
    with pytest.raises(FieldError) as info:
        Evidence(kind="observation", confirmed_by="Jan de Vries", confirmed_on=D(2021, 1, 1))
    assert (info.value.code, info.value.field) == ("unknown_value", "confirmed_by")
    assert "Jan" not in str(info.value)


# --- placements and talents ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"end": D(2021, 1, 1)}, "end_before_start", "end"),
        ({"hours_per_week": 100}, "invalid_hours", "hours_per_week"),
        ({"hours_per_week": True}, "wrong_type", "hours_per_week"),
        ({"kind": "volunteering"}, "unknown_value", "kind"),
        ({"tasks": "kassa"}, "wrong_type", "tasks"),
    ],
)
def test_placements_fail_fast(kw: dict[str, Any], code: str, field: str) -> None:
    base: dict[str, Any] = {
        "id": "pl",
        "kind": "activity",
        "organisation": "Buurthuis",
        "phase": 1,
        "start": D(2021, 2, 1),
    }
    base.update(kw)
    with pytest.raises(FieldError) as info:
        Placement(**base)
    assert (info.value.code, info.value.field) == (code, field)


@pytest.mark.parametrize(
    ("rank", "code"),
    [(0, "invalid_rank"), (4, "invalid_rank"), ("1", "wrong_type"), (True, "wrong_type")],
)
def test_talent_ranks_are_1_to_3(rank: Any, code: str) -> None:
    with pytest.raises(FieldError) as info:
        Talent(name="koken", rank=rank)
    assert (info.value.code, info.value.field) == (code, "rank")


# --- whole-passport validation ---------------------------------------------------------------


def _trajectory() -> Trajectory:
    return trajectory(
        "p-1",
        (D(2020, 1, 6), 1),
        (D(2020, 11, 2), 2),
        (D(2021, 2, 1), 1),
        (D(2021, 9, 1), 3),
        (D(2022, 3, 1), "health"),
        (D(2023, 1, 9), 3),
        (D(2023, 12, 1), "paid_work"),
    )


def test_milestones_are_forward_moves_re_entries_good_exits_and_achieved_goals() -> None:
    goal = (
        _goal()
        .advance(GoalStatus.IN_PROGRESS, on=D(2021, 3, 2))
        .advance(GoalStatus.ACHIEVED, on=D(2021, 5, 3))
    )
    found = milestones_from(_trajectory(), [goal, _goal(id="g2")])
    assert [(m.id, m.kind, m.date, m.phase) for m in found] == [
        ("move-1", MilestoneKind.STEP_FORWARD, D(2020, 11, 2), Phase(2)),
        ("goal-g1", MilestoneKind.GOAL_ACHIEVED, D(2021, 5, 3), Phase(2)),
        ("move-3", MilestoneKind.STEP_FORWARD, D(2021, 9, 1), Phase(3)),  # a skip, 1 -> 3
        ("move-5", MilestoneKind.RE_ENTRY, D(2023, 1, 9), Phase(3)),
        ("move-6", MilestoneKind.EXIT_TO_WORK_OR_EDUCATION, D(2023, 12, 1), Phase(3)),
    ]


def test_passport_milestones_show_whether_they_were_celebrated() -> None:
    passport = DevelopmentPassport(
        participant_id="p-1", celebrations=[Celebration(milestone_id="move-1", on=D(2020, 11, 6))]
    )
    marked = passport.milestones(_trajectory())
    assert [(m.id, c.on if c else None) for m, c in marked][:2] == [
        ("move-1", D(2020, 11, 6)),
        ("move-3", None),
    ]


def test_validate_passport_returns_every_problem() -> None:
    passport = DevelopmentPassport(
        participant_id="p-1",
        talents=[Talent(name=f"t{n}", rank=r) for n, r in enumerate([1, 2, 3, 3])]
        + [Talent(name="x", skill_id="zingen")],
        goals=[_goal(), _goal(skill_id="jongleren")],
        placements=[
            Placement(
                id="pl",
                kind="external_volunteering",
                organisation="Kringloop",
                phase=1,
                start=D(2021, 1, 1),
                skills=["vliegen"],
            ),
        ],
        celebrations=[
            Celebration(milestone_id="move-99", on=D(2021, 1, 1)),
            Celebration(milestone_id="move-1", on=D(2020, 1, 1)),
        ],
    )
    issues = validate_passport(passport, catalogue=CAT, trajectory=_trajectory())
    assert [(i.code, i.severity) for i in issues] == [
        ("too_many_ranked", Severity.ERROR),
        ("duplicate_rank", Severity.ERROR),
        ("duplicate_id", Severity.ERROR),
        ("unknown_skill", Severity.ERROR),  # talent
        ("unknown_skill", Severity.ERROR),  # goal
        ("unknown_skill", Severity.ERROR),  # placement
        ("placement_phase", Severity.WARNING),  # external volunteering in phase 1: allowed
        ("unknown_milestone", Severity.ERROR),
        ("celebrated_before", Severity.ERROR),
    ]
    assert all(i.participant_id == "p-1" for i in issues)


def test_more_unranked_talents_are_fine() -> None:
    talents = [Talent(name="a", rank=1), Talent(name="b", rank=2), Talent(name="c", rank=3)] + [
        Talent(name=f"extra {n}") for n in range(5)
    ]
    passport = DevelopmentPassport(participant_id="p-1", talents=talents)
    assert validate_passport(passport, catalogue=CAT) == []
    assert [t.name for t in passport.top_talents] == ["a", "b", "c"]


def test_a_trajectory_of_someone_else_is_reported() -> None:
    passport = DevelopmentPassport(participant_id="p-2")
    assert [
        i.code for i in validate_passport(passport, catalogue=CAT, trajectory=_trajectory())
    ] == ["participant_mismatch"]


def test_passport_wire_format_keeps_free_text_for_the_owner() -> None:
    passport = DevelopmentPassport(
        participant_id="p-1", wishes=["een eigen zaak"], talents=[Talent(name="koken", rank=1)]
    )
    wire = to_dict(passport)
    assert wire["wishes"] == ["een eigen zaak"]
    assert wire["talents"] == [{"name": "koken", "rank": 1, "skill_id": None}]
