"""Old names that still work for one release, with a ``DeprecationWarning`` (private).

A module that renamed or moved a public name sets ``__getattr__ = deprecated_names(...)``
(PEP 562): the old name then resolves to the new object and warns, and an unknown name still
raises ``AttributeError``. Nothing is re-bound at import time, so an old name can never shadow
a submodule.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from piezomethod.errors import Code, FieldTypeError

__all__ = ["deprecated_names", "renamed_keywords"]


def deprecated_names(module: str, renamed: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``renamed``: old name -> new dotted path (``pkg.mod.name``)."""

    def __getattr__(name: str) -> object:  # noqa: N807 - PEP 562 names it so
        new = renamed.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed; use {new}",
            DeprecationWarning,
            stacklevel=2,
        )
        where, _, attribute = new.rpartition(".")
        return getattr(importlib.import_module(where), attribute)

    return __getattr__


F = TypeVar("F", bound=Callable[..., Any])


def renamed_keywords(**renamed: str) -> Callable[[F], F]:
    """Let a function still take old keyword names (``old="new"``) for one release, with a
    ``DeprecationWarning``; passing both the old and the new name is refused."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renamed.items():
                if old in kwargs:
                    if new in kwargs:
                        raise FieldTypeError(
                            f"pass {new} only ({old} is its deprecated name)",
                            code=Code.WRONG_TYPE,
                            field=old,
                        )
                    warnings.warn(
                        f"{function.__qualname__}({old}=...) is deprecated; use {new}=...",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
