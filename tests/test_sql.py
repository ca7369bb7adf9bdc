"""Databases: SQLite always, a real PostgreSQL server when ``PIEZO_TEST_POSTGRES_URL`` is set
(and in CI, where it must be). Cells come typed as the driver returns them."""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path
from typing import Any

import pytest

from piezomethod.dataset import load, validate, write_tables
from piezomethod.synth import synthetic_cohort
from tests.builders import refused

sqlalchemy = pytest.importorskip("sqlalchemy")

D = datetime.date

# A tracking system's own schema: Dutch names, SQL types, and a reporting view
TRACKING_SCHEMA = [
    """CREATE TABLE clienten (
        nummer TEXT PRIMARY KEY, geboren INTEGER, geslacht TEXT, statushouder BOOLEAN,
        gemeente TEXT)""",
    """CREATE TABLE stappen (
        client TEXT, datum DATE, soort TEXT, fase SMALLINT, bestemming TEXT)""",
    """CREATE TABLE plaatsingen (
        deelnemer_id TEXT, plaatsing_id TEXT, soort TEXT, organisatie TEXT, fase INTEGER,
        begin DATE, einde DATE, uren_per_week NUMERIC(4, 1), vaardigheden TEXT)""",
    "INSERT INTO clienten VALUES ('c-1', 1980, 'vrouw', TRUE, 'Utrecht')",
    "INSERT INTO clienten VALUES ('c-2', NULL, NULL, FALSE, NULL)",
    "INSERT INTO stappen VALUES ('c-1', '2021-02-01', 'enrolment', 2, NULL)",
    "INSERT INTO stappen VALUES ('c-2', '2021-03-01', 'enrolment', 0, NULL)",
    "INSERT INTO stappen VALUES ('c-2', '2021-09-01', 'exit', NULL, 'paid_work')",
    """INSERT INTO plaatsingen VALUES ('c-1', 'pl-1', 'internal_volunteering', 'Buurthuis', 2,
        '2021-02-15', NULL, 6.5, '')""",
    """CREATE VIEW deelnemers AS
        SELECT nummer AS deelnemer_id, geboren AS geboortejaar, geslacht, statushouder,
               gemeente FROM clienten""",
]

QUERIES = {
    "queries": {
        "events": (
            "SELECT client AS participant_id, datum AS date, soort AS type, fase AS phase, "
            "bestemming AS destination FROM stappen ORDER BY client, datum"
        )
    }
}


def _tracking_system(engine: Any) -> None:
    with engine.begin() as connection:
        for statement in TRACKING_SCHEMA:
            connection.exec_driver_sql(statement)


def _check_tracking_records(engine: Any) -> None:
    dataset = load(engine, mapping=QUERIES)
    assert dataset.report.problems == ()
    one, two = dataset.records
    assert (one.id, one.participant.birth_year, one.participant.statushouder) == ("c-1", 1980, True)
    assert (two.participant.birth_year, two.participant.statushouder) == (None, False)
    assert [e.date for e in two.trajectory.events] == [D(2021, 3, 1), D(2021, 9, 1)]
    assert one.passport is not None
    assert one.passport.placements[0].hours_per_week == 6.5


def test_sqlite_round_trip_keeps_records_and_provenance(tmp_path: Path) -> None:
    cohort = synthetic_cohort(n=30, seed=4)
    assert write_tables(cohort, tmp_path / "cohort.sqlite") == [tmp_path / "cohort.sqlite"]
    for source in (tmp_path / "cohort.sqlite", f"sqlite:///{tmp_path / 'cohort.sqlite'}"):
        dataset = load(source)
        assert dataset.records == cohort.records
        assert dataset.cohort.synthetic


def test_a_tracking_systems_sqlite_schema_with_a_view_and_a_query(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'tracking.db'}")
    _tracking_system(engine)
    _check_tracking_records(engine)
    with engine.connect() as connection:  # a connection works as well as an engine
        assert load(connection, mapping=QUERIES).records == load(engine, mapping=QUERIES).records
    engine.dispose()


def test_an_existing_table_is_never_overwritten(tmp_path: Path) -> None:
    cohort = synthetic_cohort(n=5, seed=1)
    write_tables(cohort, tmp_path / "c.sqlite")
    before = (tmp_path / "c.sqlite").read_bytes()
    refused(lambda: write_tables(cohort, tmp_path / "c.sqlite"), "table_exists", "target")
    assert (tmp_path / "c.sqlite").read_bytes() == before


def test_a_missing_sqlite_file_is_refused_not_created(tmp_path: Path) -> None:
    refused(lambda: load(f"sqlite:///{tmp_path / 'typo.db'}"), "no_such_file", "source")
    assert not (tmp_path / "typo.db").exists()


def test_a_database_without_its_driver_says_which_extra(tmp_path: Path) -> None:
    refused(lambda: load("nosuchdb://host/db"), "needs_extra", "source")


def test_a_query_the_database_refuses_is_one_problem(tmp_path: Path) -> None:
    write_tables(synthetic_cohort(n=5, seed=1), tmp_path / "c.sqlite")
    report = validate(tmp_path / "c.sqlite", mapping={"queries": {"events": "SELECT nonsense"}})
    assert [(p.code, p.table) for p in report.problems] == [("unreadable_table", "events")]
    assert "nonsense" not in report.problems[0].message  # the query is not echoed


def test_postgres_round_trip(postgres: Any) -> None:
    cohort = synthetic_cohort(n=40, seed=6)
    assert write_tables(cohort, postgres) == []
    dataset = load(postgres)
    assert dataset.records == cohort.records
    assert dataset.cohort.synthetic
    refused(lambda: write_tables(cohort, postgres), "table_exists", "target")


def test_postgres_returns_typed_cells_and_they_load(postgres: Any) -> None:
    _tracking_system(postgres)
    with postgres.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT datum, statushouder, uren_per_week FROM stappen, clienten, plaatsingen "
            "WHERE client = nummer AND nummer = 'c-1' AND plaatsingen.deelnemer_id = nummer"
        ).one()
    assert (type(row[0]), type(row[1]), type(row[2])) == (D, bool, decimal.Decimal)
    _check_tracking_records(postgres)


def test_postgres_by_url(postgres: Any) -> None:
    write_tables(synthetic_cohort(n=10, seed=2), postgres)
    url = postgres.url.render_as_string(hide_password=False)
    assert load(url).records == synthetic_cohort(n=10, seed=2).records


def test_a_database_that_refuses_the_write_is_one_clear_error(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path}")  # a folder: cannot be opened
    refused(lambda: write_tables(synthetic_cohort(n=3, seed=1), engine), "database_error", "target")
    report = validate(engine)
    assert [(p.code, p.table) for p in report.problems] == [("unreadable_source", "source")]
    engine.dispose()


def test_a_sqlite_file_in_a_new_folder_is_written(tmp_path: Path) -> None:
    cohort = synthetic_cohort(n=3, seed=1)
    write_tables(cohort, tmp_path / "new" / "c.sqlite")
    assert load(tmp_path / "new" / "c.sqlite").records == cohort.records
