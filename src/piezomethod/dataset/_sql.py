"""Databases: the tables (or views, or queries) read and written with SQLAlchemy Core, the
``[sql]`` extra (private).

Any database SQLAlchemy reaches works: SQLite needs nothing more, PostgreSQL needs psycopg 3
(``postgresql+psycopg://user:password@host/db``). Tables and views are found by their canonical
or Dutch names (or as the mapping says); a mapping's ``[queries]`` gives a query per table
instead. Rows are streamed and cells stay typed as the driver returns them (``date``,
``boolean``, ``numeric``), so nothing is read as text that was not text.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from piezomethod.dataset._read import SOURCE_TABLE, Opened, RawTable
from piezomethod.dataset._schema import TABLE_BY_NAME
from piezomethod.errors import Code, FieldError

_NEEDS = "a database: install piezomethod[sql] (SQLAlchemy; psycopg for PostgreSQL) to read it"
_BATCH = 10_000


def sqlalchemy() -> Any:
    """The sqlalchemy module, or None without the extra."""
    try:
        return importlib.import_module("sqlalchemy")
    except ImportError:
        return None


def engine_of(url: str, *, must_exist: bool) -> Any:
    """An engine for ``url``. A SQLite file that must exist and does not is refused, so a typo
    never reads (or creates) an empty database."""
    sa = sqlalchemy()
    if sa is None:
        raise FieldError(_NEEDS, code=Code.NEEDS_EXTRA, field="source")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise FieldError(
            "not a database URL", code=Code.UNREADABLE_SOURCE, field="source"
        ) from None
    local = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if local and must_exist and not Path(parsed.database).is_file():
        raise FieldError(
            "the SQLite database file does not exist", code=Code.NO_SUCH_FILE, field="source"
        )
    try:
        return sa.create_engine(parsed)
    except (ImportError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError):
        raise FieldError(
            "no driver for this database: install piezomethod[sql] (psycopg for PostgreSQL)",
            code=Code.NEEDS_EXTRA,
            field="source",
        ) from None


def read_url(url: str, opened: Opened) -> None:
    """The tables of the database at ``url``."""
    if sqlalchemy() is None:
        opened.problem(SOURCE_TABLE, Code.NEEDS_EXTRA, _NEEDS)
        return
    engine = engine_of(url, must_exist=True)
    opened.on_close(engine.dispose)  # the rows are streamed while the loader reads them
    read_database(engine, opened)


@contextlib.contextmanager
def _connection(database: Any) -> Iterator[Any]:
    """A connection from an engine (closed after), or the connection given (left open)."""
    sa = sqlalchemy()
    if isinstance(database, sa.engine.Engine):
        with database.connect() as connection:
            yield connection
    else:
        yield database


def _stream(connection: Any, statement: Any, owned: bool) -> tuple[list[str], Iterator[Any]]:
    result = connection.execution_options(yield_per=_BATCH).execute(statement)
    header = [str(k) for k in result.keys()]  # noqa: SIM118 - a Result, not a dict

    def rows() -> Iterator[Any]:
        try:
            for partition in result.partitions(_BATCH):
                yield from partition
        finally:
            result.close()
            if owned:
                connection.close()

    return header, rows()


def read_database(database: Any, opened: Opened) -> None:
    """The tables of an engine or connection, their rows streamed as the loader reads them."""
    sa = sqlalchemy()
    if sa is None:  # pragma: no cover - a Database object comes from sqlalchemy
        opened.problem(SOURCE_TABLE, Code.NEEDS_EXTRA, _NEEDS)
        return
    try:
        inspector = sa.inspect(database)
        names = [*inspector.get_table_names(), *inspector.get_view_names()]
    except sa.exc.SQLAlchemyError as err:
        opened.problem(SOURCE_TABLE, Code.UNREADABLE_SOURCE, _cannot(err))
        return
    if PACKAGE_TABLE in names:
        opened.provenance = read_provenance(database)
    statements: dict[str, Any] = {}
    for name in names:
        table = opened.mapping.table(name)  # a database holds other tables: those are no problem
        if table is not None and table not in opened.mapping.queries and opened.claim(table):
            statements[table] = sa.select(sa.Table(name, sa.MetaData(), autoload_with=database))
    for table, query in opened.mapping.queries.items():
        if opened.claim(table):
            statements[table] = sa.text(query)
    for table, statement in statements.items():
        owned = isinstance(database, sa.engine.Engine)
        connection = database.connect() if owned else database
        try:
            header, rows = _stream(connection, statement, owned)
        except sa.exc.SQLAlchemyError as err:
            if owned:
                connection.close()
            opened.problem(table, Code.UNREADABLE_TABLE, _cannot(err))
            continue
        opened.add(table, RawTable(header, rows, typed=True))


def _cannot(err: Exception) -> str:
    # the driver's text may hold a host, a user or a query: only its kind is said
    return f"the database refused the query ({type(err).__name__}); check the table or query"


# -- writing ---------------------------------------------------------------------------------

PACKAGE_TABLE = "piezomethod_package"
"""A one-row table beside the tables: the Data Package descriptor's provenance, as JSON."""


def _sql_type(sa: Any, kind: str) -> Any:
    return {
        "date": sa.Date,
        "integer": sa.Integer,
        "phase": sa.SmallInteger,
        "boolean": sa.Boolean,
        "number": sa.Float,
    }.get(kind, sa.Text)


def write_database(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    headers: Mapping[str, Sequence[str]],
    target: Any,
    provenance: Mapping[str, Any],
) -> None:
    """Create the canonical tables in ``target`` (an engine or a URL) with typed columns and
    fill them, in one transaction; a table that exists already is refused before anything
    is written."""
    sa = sqlalchemy()
    engine = engine_of(target, must_exist=False) if isinstance(target, str) else target
    try:
        _create(sa, engine, tables, headers, provenance)
    except sa.exc.SQLAlchemyError as err:
        raise FieldError(
            f"the database refused the write ({type(err).__name__}); nothing was written",
            code=Code.DATABASE_ERROR,
            field="target",
        ) from None
    finally:
        if isinstance(target, str):
            engine.dispose()


def _create(
    sa: Any,
    engine: Any,
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    headers: Mapping[str, Sequence[str]],
    provenance: Mapping[str, Any],
) -> None:
    from piezomethod.dataset._write import typed_rows  # noqa: PLC0415 - it imports this

    existing = set(sa.inspect(engine).get_table_names())
    clash = sorted(existing & {*tables, PACKAGE_TABLE})
    if clash:
        raise FieldError(
            f"the table {clash[0]} exists already: write into a new database",
            code=Code.TABLE_EXISTS,
            field="target",
        )
    metadata = sa.MetaData()
    created = {
        name: sa.Table(
            name,
            metadata,
            *[sa.Column(h, _sql_type(sa, TABLE_BY_NAME[name].kind_of(h))) for h in header],
        )
        for name, header in headers.items()
    }
    package = sa.Table(PACKAGE_TABLE, metadata, sa.Column("provenance", sa.Text))
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(package.insert(), [{"provenance": json.dumps(dict(provenance))}])
        for name, sql_table in created.items():
            header = headers[name]
            batch: list[dict[str, object]] = []
            for values in typed_rows(name, header, tables[name]):
                batch.append(dict(zip(header, values, strict=True)))
                if len(batch) == _BATCH:
                    connection.execute(sql_table.insert(), batch)
                    batch = []
            if batch:
                connection.execute(sql_table.insert(), batch)


def read_provenance(database: Any) -> dict[str, Any]:
    """The provenance written beside the tables ({} if unreadable)."""
    sa = sqlalchemy()
    try:
        with _connection(database) as connection:
            found = connection.execute(sa.text(f"SELECT provenance FROM {PACKAGE_TABLE}")).first()
    except sa.exc.SQLAlchemyError:  # pragma: no cover - the table was just listed
        return {}
    try:
        value = json.loads(found[0]) if found is not None else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
