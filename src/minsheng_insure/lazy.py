"""Public names imported on first use, so that importing a package costs nothing until a name is needed.

``minsheng --help`` and ``import minsheng_insure`` must not pay for pandas, scipy and pydantic;
a package lists its public names and the modules that define them, and hands the module-level
``__getattr__`` and ``__dir__`` made here to Python (PEP 562).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose names in ``exports`` (name -> defining
    module) are imported when first looked up, then kept in the package like any other name."""
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name]), name)
        namespace[name] = value  # later look-ups find it directly
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
