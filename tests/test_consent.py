"""Consent, portfolios, disclosures, rendering and pseudonyms."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from piezomethod.catalogues import skill_catalogue
from piezomethod.consent import Consent, DataCategory, may_share, portfolio, pseudonym
from piezomethod.errors import ConsentError, FieldError, FieldTypeError
from piezomethod.passport import (
    DevelopmentGoal,
    DevelopmentPassport,
    Evidence,
    GoalStatus,
    Placement,
    Talent,
)
from piezomethod.render import portfolio_html, portfolio_markdown
from piezomethod.serialization import to_json

D = datetime.date
CAT = skill_catalogue()


def consent(**kw: Any) -> Consent:
    base: dict[str, Any] = {
        "participant_id": "p-1",
        "recipient": "employer",
        "purposes": {"sollicitatie"},
        "categories": {"passport"},
        "given_on": D(2022, 1, 10),
    }
    base.update(kw)
    return Consent(**base)


@pytest.mark.parametrize(
    ("kw", "ask", "expected"),
    [
        ({}, {}, True),
        ({}, {"as_of": D(2022, 1, 9)}, False),  # before it was given
        (
            {"expires_on": D(2022, 3, 1)},
            {"as_of": D(2022, 3, 1)},
            True,
        ),  # the expiry day itself counts
        ({"expires_on": D(2022, 3, 1)}, {"as_of": D(2022, 3, 2)}, False),
        ({"withdrawn_on": D(2022, 3, 1)}, {"as_of": D(2022, 2, 28)}, True),
        (
            {"withdrawn_on": D(2022, 3, 1)},
            {"as_of": D(2022, 3, 1)},
            False,
        ),  # blocked from that date on
        ({}, {"recipient": "school"}, False),
        ({}, {"recipient": "bakkerij-jansen", "recipient_category": "employer"}, True),
        ({}, {"purpose": "onderzoek"}, False),
        ({}, {"category": DataCategory.MEASUREMENTS}, False),
    ],
)
def test_may_share(kw: dict[str, Any], ask: dict[str, Any], expected: bool) -> None:
    query: dict[str, Any] = {
        "recipient": "employer",
        "purpose": "sollicitatie",
        "category": DataCategory.PASSPORT,
        "as_of": D(2022, 2, 1),
    }
    query.update(ask)
    assert may_share([consent(**kw)], **query) is expected


def test_the_old_keyword_on_still_works_for_one_release_with_a_warning() -> None:
    ask: dict[str, Any] = {"recipient": "employer", "purpose": "sollicitatie"}
    ask["category"] = DataCategory.PASSPORT
    with pytest.warns(DeprecationWarning, match="as_of"):
        assert may_share([consent()], on=D(2022, 2, 1), **ask) is True  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match="as_of"):
        assert consent().covers(on=D(2022, 1, 9), **ask) is False  # type: ignore[call-arg]
    with pytest.raises(FieldTypeError) as info:
        may_share([consent()], on=D(2022, 2, 1), as_of=D(2022, 2, 1), **ask)  # type: ignore[call-arg]
    assert info.value.field == "on"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"purposes": set()}, "blank_text"),
        ({"purposes": "sollicitatie"}, "wrong_type"),
        ({"categories": {"health"}}, "unknown_value"),
        ({"expires_on": D(2021, 1, 1)}, "date_order"),
        ({"withdrawn_on": D(2021, 1, 1)}, "date_order"),
        ({"recipient": " "}, "blank_text"),
    ],
)
def test_consents_fail_fast(kw: dict[str, Any], code: str) -> None:
    with pytest.raises(FieldError) as info:
        consent(**kw)
    assert info.value.code == code


def _passport() -> DevelopmentPassport:
    achieved = (
        DevelopmentGoal(
            id="g1",
            skill_id="op_tijd_komen",
            phase=2,
            set_on=D(2021, 3, 1),
            note="heeft moeite met de bus",
        )
        .advance(GoalStatus.IN_PROGRESS, on=D(2021, 3, 2))
        .advance(
            GoalStatus.ACHIEVED,
            on=D(2021, 9, 1),
            evidence=[
                Evidence(
                    kind="observation",
                    confirmed_by="supervisor",
                    confirmed_on=D(2021, 9, 1),
                    description="zegt werkbegeleider Piet",
                )
            ],
        )
    )
    later = (
        DevelopmentGoal(id="g2", skill_id="samenwerken", phase=3, set_on=D(2022, 1, 1))
        .advance(GoalStatus.IN_PROGRESS, on=D(2022, 1, 2))
        .advance(GoalStatus.ACHIEVED, on=D(2022, 8, 1))
    )
    doing = DevelopmentGoal(
        id="g3", skill_id="nl_spreken", phase=2, set_on=D(2021, 3, 1), status="in_progress"
    )
    return DevelopmentPassport(
        participant_id="p-1",
        wishes=["werken in de zorg"],
        dreams=["eigen restaurant"],
        expectations=["snel een baan"],
        talents=[Talent(name="koken voor velen", rank=1)],
        goals=[achieved, later, doing],
        placements=[
            Placement(
                id="pl1",
                kind="internal_volunteering",
                organisation="PiëzoCentrum <Noord>",
                phase=2,
                start=D(2021, 1, 4),
                end=D(2021, 12, 20),
                hours_per_week=8,
                tasks=["koffie schenken"],
                skills=["klantvriendelijkheid"],
            ),
            Placement(
                id="pl2",
                kind="external_volunteering",
                organisation="Kringloop",
                phase=3,
                start=D(2022, 9, 1),
            ),
        ],
    )


def test_portfolio_shows_achieved_skills_and_placements_only() -> None:
    shown, disclosure = portfolio(
        _passport(),
        recipient="employer",
        purpose="sollicitatie",
        consents=[consent()],
        as_of=D(2022, 3, 1),
        catalogue=CAT,
        lang="en",
    )
    assert [(s.skill_id, s.label, s.achieved_on) for s in shown.skills] == [
        ("op_tijd_komen", "being on time", D(2021, 9, 1))
    ]
    assert [(e.kind_label, e.confirmed_by_label) for e in shown.skills[0].evidence] == [
        ("observation", "supervisor")
    ]
    assert [(p.organisation, p.skills) for p in shown.placements] == [
        ("PiëzoCentrum <Noord>", ("customer friendliness",))
    ]
    text = to_json(shown) + portfolio_markdown(shown) + portfolio_html(shown)
    for private in [
        "werken in de zorg",
        "eigen restaurant",
        "snel een baan",
        "koken voor velen",
        "heeft moeite",
        "Piet",
        "koffie schenken",
    ]:
        assert private not in text
    assert (disclosure.skills_shared, disclosure.placements_shared) == (1, 1)
    assert (disclosure.recipient, disclosure.purpose, disclosure.on) == (
        "employer",
        "sollicitatie",
        D(2022, 3, 1),
    )
    assert disclosure.categories == {DataCategory.PASSPORT}
    assert disclosure.consent_given_on == D(2022, 1, 10)


def test_portfolio_needs_a_valid_consent_of_this_participant() -> None:
    for consents in (
        [],
        [consent(participant_id="p-2")],
        [consent(withdrawn_on=D(2022, 2, 1))],
        [consent(categories={"measurements"})],
    ):
        with pytest.raises(ConsentError) as info:
            portfolio(
                _passport(),
                recipient="employer",
                purpose="sollicitatie",
                consents=consents,
                as_of=D(2022, 3, 1),
                catalogue=CAT,
            )
        # a refusal is not an OS error: `except OSError` around file I/O must not catch it
        assert not isinstance(info.value, OSError | ValueError | TypeError)
        assert (info.value.code, info.value.field) == ("no_consent", "consents")
        assert info.value.participant_id == "p-1"


def test_renderers_speak_both_languages_and_escape() -> None:
    nl, _ = portfolio(
        _passport(),
        recipient="employer",
        purpose="sollicitatie",
        consents=[consent()],
        as_of=D(2022, 9, 2),
        catalogue=CAT,
    )
    md = portfolio_markdown(nl)
    assert "## Verworven vaardigheden" in md
    assert "op tijd komen" in md
    assert "| lerend vrijwilligerswerk binnen de locatie | PiëzoCentrum \\<Noord\\> |" in md
    page = portfolio_html(nl)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in page
    assert "PiëzoCentrum &lt;Noord&gt;" in page
    assert "<script" not in page
    assert "loopt nog" in page  # the external placement has no end


def test_pseudonyms() -> None:
    key, other = b"k" * 16, b"q" * 16
    assert pseudonym("p-1", key=key) == pseudonym("p-1", key=key)
    assert pseudonym("p-1", key=key) != pseudonym("p-1", key=other)
    assert pseudonym("p-1", key=key) != pseudonym("p-2", key=key)
    with pytest.raises(FieldError) as info:
        pseudonym("p-1", key=b"short")
    assert info.value.code == "weak_key"


def test_a_pseudonym_never_contains_the_id_even_when_the_digest_would() -> None:
    key = b"0123456789abcdef"
    # one-character ids from the pseudonym's own alphabet force the fallback sequence; ids
    # like "p" or "s-" once hung forever against a fixed "ps-" prefix
    for participant_id in [*"0123456789abcdef", "p", "s", "-", "ps-", "s-"]:
        found = pseudonym(participant_id, key=key)
        assert participant_id not in found
        assert len(found) == 32
