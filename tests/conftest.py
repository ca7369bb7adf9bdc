"""Test configuration: Hypothesis profiles chosen with HYPOTHESIS_PROFILE (dev, ci), and the
real servers some tests need.

Tests that need a server read its address from the environment; without it they skip, and
with ``PIEZO_REQUIRE_SERVICES=1`` (set in CI) a skip is a failure, so CI cannot pass by
quietly testing less.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
# CI runs twice the examples of a developer's run, within its time budget (a test that drives
# a browser, node or a database sets fewer of its own)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def need_service(variable: str, what: str) -> str:
    """The value of ``variable``; skip (or fail, in CI) without it."""
    value = os.environ.get(variable)
    if not value:
        message = f"{what}: set {variable}"
        if os.environ.get("PIEZO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"required service missing: {message}")
        pytest.skip(message)
    return value


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Any]:
    """One SQLAlchemy engine on the test PostgreSQL database for the whole session."""
    url = need_service("PIEZO_TEST_POSTGRES_URL", "a PostgreSQL server")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def postgres(postgres_engine: Any) -> Any:
    """The engine on an empty PostgreSQL database (the schema is reset for each test)."""
    with postgres_engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    return postgres_engine


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's, at ``PIEZO_CHROMIUM``) for the whole session, driven by
    Playwright for Python; no browser is ever downloaded."""
    executable = need_service("PIEZO_CHROMIUM", "a Chromium executable")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def lforms_page(browser: Any) -> Iterator[Any]:
    """A page with NLM's LHC-Forms (the npm package in ``PIEZO_NODE_MODULES``) loaded, served
    from the package's files through Playwright's routing, so no server or network is used."""
    from pathlib import Path

    from tests.builders import open_lforms

    modules = need_service("PIEZO_NODE_MODULES", "the npm packages in .ci/node")
    dist = Path(modules) / "lforms" / "dist" / "lforms"
    if not dist.is_dir():
        pytest.fail(f"LHC-Forms is not installed in {modules}: run npm ci in .ci/node")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_lforms(page, dist)
    try:
        yield page
    finally:
        page.close()
    assert not errors, errors
