"""Public modules declare __all__, every name resolves, and the package re-exports the core."""

from __future__ import annotations

import importlib

import pytest

import piezomethod

MODULES = [
    "errors",
    "phases",
    "outcomes",
    "passport",
    "mechanisms",
    "consent",
    "records",
    "catalogues",
    "render",
    "dataset",
    "analytics",
    "synth",
    "report",
    "serialization",
    "instruments",
    "fhir",
    "strategies",
    "cli",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_all_resolves(name: str) -> None:
    module = importlib.import_module(f"piezomethod.{name}")
    assert module.__all__, f"{name} exports nothing"
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.{export} is in __all__ but missing"


def test_package_reexports_resolve_to_their_modules() -> None:
    for export in piezomethod.__all__:
        obj = getattr(piezomethod, export)
        if export == "__version__":
            assert isinstance(obj, str)
            continue
        owners = [
            importlib.import_module(f"piezomethod.{m}")
            for m in MODULES
            if export in importlib.import_module(f"piezomethod.{m}").__all__
        ]
        assert owners, f"{export} is re-exported but no module declares it"
        assert all(getattr(owner, export) is obj for owner in owners)


def test_core_nouns_are_reexported() -> None:
    for noun in ["Phase", "Trajectory", "TransitionPolicy", "validate_events", "PiezoError"]:
        assert noun in piezomethod.__all__
