"""Package APIs without import cost or cycles: a package names its public functions and the
submodule each lives in, and a name is imported on first use (PEP 562 module `__getattr__`).

    __getattr__, __dir__, __all__ = exports(__name__, {"detect": "detect"})
"""
from __future__ import annotations

import importlib


def exports(package: str, names: dict[str, str]):
    """(`__getattr__`, `__dir__`, `__all__`) for `package`, whose public `names` live in the
    given submodules."""
    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{names[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__, sorted(names)
