"""Properties of passports, consent, portfolios, pseudonyms and records — and the canary test:
personal free text put into any field never appears in an error message, a portfolio, or a
pseudonymised export."""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from piezomethod import strategies as pst
from piezomethod.catalogues import skill_catalogue
from piezomethod.consent import Consent, DataCategory, may_share, portfolio, pseudonym
from piezomethod.errors import ConsentError, PiezoError
from piezomethod.instruments import instrument
from piezomethod.passport import DevelopmentPassport, GoalStatus, Placement, validate_passport
from piezomethod.phases import Lang
from piezomethod.records import ParticipantRecord, pseudonymise
from piezomethod.render import portfolio_html, portfolio_markdown
from piezomethod.serialization import from_dict, from_json, to_dict, to_json

CAT = skill_catalogue()
GELUK = instrument("cbs-geluk")
CANARY = "§Fatima-Dorpsstraat-12§"
KEY = b"a research key that is long enough"


@given(
    pst.trajectories(participant_id="p-1").flatmap(
        lambda t: pst.passports(catalogue=CAT, trajectory=t)
    )
)
def test_generated_passports_validate_and_round_trip(passport: DevelopmentPassport) -> None:
    assert [i for i in validate_passport(passport, catalogue=CAT) if i.is_error] == []
    assert from_json(DevelopmentPassport, to_json(passport)) == passport


@given(pst.participant_records(catalogue=CAT, instrument=GELUK))
def test_records_round_trip_unchanged(record: ParticipantRecord) -> None:
    assert from_json(ParticipantRecord, to_json(record)) == record
    assert to_dict(from_dict(ParticipantRecord, to_dict(record))) == to_dict(record)


@given(
    pst.consents(),
    pst.dates(min_value=datetime.date(1999, 1, 1), max_value=datetime.date(2036, 1, 1)),
)
def test_consent_is_in_force_exactly_between_given_and_expiry_or_withdrawal(
    consent: Consent, day: datetime.date
) -> None:
    expected = (
        consent.given_on <= day
        and (consent.expires_on is None or day <= consent.expires_on)
        and (consent.withdrawn_on is None or day < consent.withdrawn_on)
    )
    for category in DataCategory:
        for purpose in ["sollicitatie", "plaatsing", "onderzoek"]:
            allowed = may_share(
                [consent],
                recipient=consent.recipient,
                purpose=purpose,
                category=category,
                as_of=day,
            )
            assert allowed == (
                expected and purpose in consent.purposes and category in consent.categories
            )


@given(pst.consents(), st.integers(0, 3000))
def test_withdrawal_and_expiry_block_sharing_from_that_date_on(
    consent: Consent, later: int
) -> None:
    ends = [
        d
        for d in (
            consent.withdrawn_on,
            consent.expires_on + datetime.timedelta(days=1) if consent.expires_on else None,
        )
        if d
    ]
    if not ends:
        return
    blocked_from = min(ends)
    day = blocked_from + datetime.timedelta(days=later)
    purpose = next(iter(consent.purposes))
    category = next(iter(consent.categories))
    assert not may_share(
        [consent], recipient=consent.recipient, purpose=purpose, category=category, as_of=day
    )


@given(st.data())
def test_a_portfolio_holds_only_what_its_consent_covers(data: st.DataObject) -> None:
    passport = data.draw(pst.passports(catalogue=CAT, canary=CANARY))
    consents = data.draw(st.lists(pst.consents(), max_size=3))
    on = data.draw(pst.dates())
    recipient = data.draw(st.sampled_from(["employer", "school", "partner-kringloop"]))
    purpose = data.draw(st.sampled_from(["sollicitatie", "onderzoek"]))
    lang: Lang = "nl" if data.draw(st.booleans()) else "en"
    allowed = may_share(
        consents, recipient=recipient, purpose=purpose, category=DataCategory.PASSPORT, as_of=on
    )
    try:
        shown, disclosure = portfolio(
            passport,
            recipient=recipient,
            purpose=purpose,
            consents=consents,
            as_of=on,
            catalogue=CAT,
            lang=lang,
        )
    except ConsentError as err:
        assert not allowed
        assert CANARY not in str(err)
        return
    assert allowed
    achieved = {
        g.skill_id
        for g in passport.goals
        if g.status is GoalStatus.ACHIEVED and g.achieved_on and g.achieved_on <= on
    }
    assert {s.skill_id for s in shown.skills} <= achieved
    assert all(s.achieved_on <= on for s in shown.skills)
    assert all(e.confirmed_on <= on for s in shown.skills for e in s.evidence)
    assert all(p.start <= on for p in shown.placements)
    assert disclosure.skills_shared == len(shown.skills)
    assert disclosure.placements_shared == len(shown.placements)
    for rendered in (to_json(shown), portfolio_markdown(shown), portfolio_html(shown)):
        assert CANARY not in rendered


@given(
    pst.participant_ids(), st.binary(min_size=16, max_size=40), st.binary(min_size=16, max_size=40)
)
def test_pseudonyms_are_deterministic_per_key_and_never_contain_the_id(
    pid: str, key: bytes, other: bytes
) -> None:
    first = pseudonym(pid, key=key)
    assert first == pseudonym(pid, key=key)
    assert pid not in first
    if other != key:
        assert first != pseudonym(pid, key=other)


# --- the canary ----------------------------------------------------------------------------


@given(pst.participant_records(catalogue=CAT, instrument=GELUK, canary=CANARY))
def test_canary_never_appears_in_a_pseudonymised_export(record: ParticipantRecord) -> None:
    assert CANARY in to_json(record)  # the canary is really there to begin with
    exported = pseudonymise(record, key=KEY)
    assert CANARY not in to_json(exported)
    assert record.participant.id not in to_json(exported)


def _break(wire: Any, rng: st.DataObject) -> Any:
    """Make one deliberate type error somewhere structural, leaving the free text in place."""
    target = rng.draw(st.sampled_from(["birth_year", "phase", "status", "date", "hours"]))
    if target == "birth_year":
        wire["participant"]["birth_year"] = "negentien"
    elif target == "phase" and wire["trajectory"]["events"]:
        wire["trajectory"]["events"][0]["type"] = "onbekend"
    elif target == "status" and wire["passport"] and wire["passport"]["goals"]:
        wire["passport"]["goals"][0]["status"] = "klaar"
    elif target == "hours" and wire["passport"] and wire["passport"]["placements"]:
        wire["passport"]["placements"][0]["hours_per_week"] = "veel"
    else:
        wire["participant"]["gender"] = 7
    return wire


@given(pst.participant_records(catalogue=CAT, instrument=GELUK, canary=CANARY), st.data())
def test_canary_never_appears_in_an_error_message(
    record: ParticipantRecord, data: st.DataObject
) -> None:
    wire = _break(json.loads(to_json(record)), data)
    try:
        from_dict(ParticipantRecord, wire)
    except PiezoError as err:
        shown = str(err) + " ".join(str(p) for p in getattr(err, "problems", ()))
        assert CANARY not in shown
    else:
        raise AssertionError("broken record was accepted")
    # errors raised directly by the objects do not echo free text either
    if record.passport and record.passport.placements:
        placement = record.passport.placements[0]
        try:
            Placement(**{**attrs.asdict(placement, recurse=False), "hours_per_week": 500})
        except PiezoError as err:
            assert CANARY not in str(err)
    for issue in validate_passport(record.passport, catalogue=CAT) if record.passport else []:
        assert CANARY not in issue.message


@given(pst.participant_records(catalogue=CAT, instrument=GELUK, canary=CANARY))
def test_canary_never_appears_in_the_coachs_findings_or_worklist(record: ParticipantRecord) -> None:
    from piezomethod.caseload import worklist
    from piezomethod.guidance import validate_guidance

    if record.guidance is None:
        return
    issues = validate_guidance(record.guidance, record.trajectory.events)
    assert all(CANARY not in f"{i.message} {i.field}" for i in issues)
    for coach in (None, record.guidance.coaches[0].coach_id if record.guidance.coaches else None):
        items = worklist([record], as_of=datetime.date(2030, 1, 1), coach=coach)
        assert all(CANARY not in i.message for i in items)
