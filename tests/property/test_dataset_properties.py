"""Dataset invariants: corruption quarantines exactly the corrupted, cells are never echoed,
and every wire document follows its published schema."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from piezomethod.catalogues import skill_catalogue
from piezomethod.dataset import load, table_rows
from piezomethod.instruments import instrument
from piezomethod.records import ParticipantRecord
from piezomethod.serialization import to_dict, wire_schemas
from piezomethod.strategies import participant_records
from piezomethod.synth import synthetic_cohort

_COHORTS = {seed: synthetic_cohort(n=12, seed=seed) for seed in range(4)}
_CORRUPTIONS = ("backwards", "phase", "enrol_twice", "scale", "date", "unknown_item")


def _corrupt(tables: dict[str, list[dict[str, str]]], pid: str, how: str) -> bool:
    """Corrupt one participant's rows in place; False when this corruption does not apply."""
    events = [r for r in tables["events"] if r["participant_id"] == pid]
    answers = [r for r in tables["measurements"] if r["participant_id"] == pid]
    if how == "backwards" and len(events) >= 2:
        events[1]["date"] = "1990-01-01"
    elif how == "phase":
        events[0]["phase"] = "9"
    elif how == "enrol_twice" and events[-1]["type"] != "exit":
        tables["events"].append(dict(events[0], date=events[-1]["date"]))
    elif how == "scale" and answers:
        answers[0]["answer"] = "99"
    elif how == "date":
        events[0]["date"] = "31-02-2020"
    elif how == "unknown_item" and answers:
        answers[0]["item"] = "bestaat_niet"
    else:
        return False
    return True


@given(st.sampled_from(sorted(_COHORTS)), st.data())
def test_corruption_quarantines_exactly_the_corrupted(seed: int, data: st.DataObject) -> None:
    cohort = _COHORTS[seed]
    tables = table_rows(cohort)
    ids = [r.id for r in cohort.records]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=5))
    broken = set()
    for pid in chosen:
        if _corrupt(tables, pid, data.draw(st.sampled_from(_CORRUPTIONS))):
            broken.add(pid)
    dataset = load(tables, as_of=cohort.as_of)
    report = dataset.report
    assert set(report.quarantined) == broken
    assert {p.participant_id for p in report.errors} == broken
    assert all(p.row is not None for p in report.errors)
    assert dataset.records == tuple(r for r in cohort.records if r.id not in broken)
    assert report.loaded + len(report.quarantined) == report.participants == len(ids)


_MARK = "QQ"


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "birth_year",
                "gender",
                "statushouder",
                "date",
                "type",
                "phase",
                "answer",
                "moment",
                "item",
            ]
        ),
        st.text(min_size=6, max_size=20).map(lambda t: _MARK + t),
        min_size=1,
    )
)
def test_cells_are_never_echoed(values: dict[str, str]) -> None:
    participant = {
        "participant_id": "p",
        "birth_year": "1980",
        "gender": "man",
        "statushouder": "nee",
    }
    event = {"participant_id": "p", "date": "2020-01-01", "type": "enrolment", "phase": "1"}
    answer = {
        "participant_id": "p",
        "moment": "entry",
        "date": "2020-01-02",
        "instrument": "piezo-effectmeting",
        "item": "geluk",
        "answer": "7",
    }
    for row in (participant, event, answer):
        for key in row.keys() & values.keys():
            row[key] = values[key]
    report = load(
        {"participants": [participant], "events": [event], "measurements": [answer]}
    ).report
    assert not report.ok
    text = report.to_json()
    for value in values.values():
        assert value not in text
        assert value.strip() not in text


_SCHEMA = wire_schemas()["participant-record"]
_CATALOGUE = skill_catalogue()
_INSTRUMENT = instrument("mhi5")


@settings(max_examples=100)  # each example validates a whole record against the schema
@given(participant_records(catalogue=_CATALOGUE, instrument=_INSTRUMENT))
def test_records_follow_the_published_schema(record: ParticipantRecord) -> None:
    jsonschema.validate(to_dict(record), _SCHEMA)
