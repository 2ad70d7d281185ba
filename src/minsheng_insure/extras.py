"""Optional dependencies, installed as extras: SALib (``[sweep]``) and dask.distributed (``[dask]``).

Only sweeps with the lhs, sobol or morris sampler, sensitivity analysis and Dask clusters need them,
so a plain install stays smaller; without one, those features fail at once with one line that
names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that provides it."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``; MissingExtra, naming ``extra``, if it is not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        top = module.partition(".")[0]
        if e.name is None or (e.name != top and not e.name.startswith(f"{top}.")):
            raise  # something inside the package is broken: its own error says more
        raise MissingExtra(f"{feature} needs {top}, which is not installed: pip install \"minsheng-insure[{extra}]\" "
                           f"(from a checkout: pip install -e \".[{extra}]\")") from None
