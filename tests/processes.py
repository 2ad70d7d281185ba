"""Finding the processes a command left behind, by a marker in their environment (inherited by workers)."""

from __future__ import annotations

import os
from pathlib import Path

MARKER = "MINSHENG_TEST_MARKER"


def live_processes(marker: str) -> list[int]:
    """Live processes other than this one whose environment has ``MINSHENG_TEST_MARKER=marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        if f"{MARKER}={marker}".encode() in environ.split(b"\0") and "zombie" not in state:
            found.append(int(entry.name))
    return found
