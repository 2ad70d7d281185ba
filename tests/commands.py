"""Running the installed ``minsheng`` command line from the tests, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MINSHENG = str(Path(sys.executable).parent / "minsheng")


def minsheng(*args: str, cwd: Path | None = None, lang: str | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``minsheng ARGS...``, its output captured; ``MINSHENG_LANG`` only when ``lang`` is given, and help
    unwrapped (a wide terminal), so that no setting of the machine running the tests leaks in."""
    env = {k: v for k, v in os.environ.items() if k != "MINSHENG_LANG"} | {"COLUMNS": "250"}
    if lang is not None:
        env["MINSHENG_LANG"] = lang
    return subprocess.run([MINSHENG, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)
