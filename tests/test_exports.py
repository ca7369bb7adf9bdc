"""The public namespace: no traps. Every submodule is a module, the package's public names
are exactly its ``__all__``, old names warn, and each module's ``__all__`` resolves."""

from __future__ import annotations

import importlib
import types
import warnings

import pytest

import piezomethod
from tests.builders import PUBLIC_MODULES


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_module_all_resolves(name: str) -> None:
    module = importlib.import_module(f"piezomethod.{name}")
    assert module.__all__, f"{name} exports nothing"
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.{export} is in __all__ but missing"


@pytest.mark.parametrize("name", sorted(piezomethod._SUBMODULES))
def test_every_submodule_is_a_module_under_its_own_name(name: str) -> None:
    imported = importlib.import_module(f"piezomethod.{name}")
    assert isinstance(imported, types.ModuleType)
    # the package attribute is the module itself, never a function of the same name
    assert getattr(piezomethod, name) is imported
    assert name not in piezomethod.__all__


def test_mechanisms_and_instruments_are_modules_not_functions() -> None:
    import piezomethod.instruments as ins
    import piezomethod.mechanisms as m

    assert m.Level.PARTICIPANT.value == "participant"
    assert piezomethod.mechanisms.Level is m.Level
    assert ins.instrument_ids() == piezomethod.instrument_ids()


def test_the_public_names_are_exactly_all() -> None:
    public = {
        name
        for name, value in vars(piezomethod).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(piezomethod.__all__) - {"__version__"}
    assert dir(piezomethod) == sorted(piezomethod.__all__)
    assert not hasattr(piezomethod, "version")  # importlib.metadata.version no longer leaks
    assert isinstance(piezomethod.__version__, str)


def test_every_package_export_is_the_object_its_module_declares() -> None:
    for export in piezomethod.__all__:
        if export == "__version__":
            continue
        obj = getattr(piezomethod, export)
        owners = [
            importlib.import_module(f"piezomethod.{m}")
            for m in PUBLIC_MODULES
            if export in importlib.import_module(f"piezomethod.{m}").__all__
        ]
        assert owners, f"{export} is re-exported but no module declares it"
        assert all(getattr(owner, export) is obj for owner in owners)


def test_no_name_at_the_top_shares_a_name_with_a_submodule() -> None:
    # inside a submodule such a name shadows nothing (strategies.phases draws phases); at the
    # top it would hide the module, as mechanisms() and instruments() once did
    assert not set(piezomethod.__all__) & set(piezomethod._SUBMODULES)
    assert not set(piezomethod._MOVED) & set(piezomethod._SUBMODULES)


def test_the_core_nouns_are_at_the_top() -> None:
    for noun in ["Phase", "Trajectory", "TransitionPolicy", "validate_events", "PiezoError"]:
        assert noun in piezomethod.__all__
    for noun in ["Instrument", "score", "DevelopmentPassport", "Consent", "ParticipantRecord"]:
        assert noun in piezomethod.__all__
    assert len(piezomethod.__all__) < 70


@pytest.mark.parametrize("old", sorted(piezomethod._MOVED))
def test_names_that_left_the_top_level_still_work_for_one_release(old: str) -> None:
    module, new = piezomethod._MOVED[old]
    with pytest.warns(DeprecationWarning, match=f"piezomethod.{module}.{new}"):
        found = getattr(piezomethod, old)
    assert found is getattr(importlib.import_module(f"piezomethod.{module}"), new)


def test_renamed_functions_and_codes_warn_but_work() -> None:
    from piezomethod import catalogues, dataset, instruments, mechanisms, outcomes, passport, phases

    with pytest.warns(DeprecationWarning, match="instrument_ids"):
        assert instruments.instruments() == instruments.instrument_ids()
    with pytest.warns(DeprecationWarning, match="mechanism_framework"):
        assert catalogues.mechanisms() is catalogues.mechanism_framework()
    for module, old in [
        (phases, "IssueCode"),
        (passport, "PassportIssueCode"),
        (mechanisms, "AssessmentIssueCode"),
        (dataset, "DataCode"),
    ]:
        with pytest.warns(DeprecationWarning, match="piezomethod.errors.Code"):
            assert getattr(module, old) is piezomethod.Code
    with pytest.warns(DeprecationWarning, match="AnswerCode"):
        assert outcomes.Code is outcomes.AnswerCode
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError):
            _ = phases.NoSuchName
        with pytest.raises(AttributeError):
            _ = piezomethod.no_such_name
