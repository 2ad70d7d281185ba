"""Output folders that are never half-written.

Everything goes into a temporary sibling folder first; only a complete folder is renamed into
place, so a run killed midway leaves the old folder (or none) behind, never a partial one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputExistsError(Exception):
    """The output folder exists and is not empty, and overwriting was not asked for."""


def _remove_abandoned(target: Path) -> None:
    """Staging folders of runs that were killed before they finished (their process is gone)."""
    for stale in target.parent.glob(f".{target.name}.partial-*"):
        pid = stale.name.removeprefix(f".{target.name}.partial-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_output(target: Path, force: bool = False) -> None:
    """Refuse a non-empty ``target`` unless ``force``; call before the work, so none is wasted."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not force:
        raise OutputExistsError(f"{target} exists and is not empty; choose another --out or add --force")


@contextmanager
def output_folder(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder to write into; on success it replaces ``target`` in one rename."""
    target = Path(target)
    check_output(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{staging.name.rsplit('-', 1)[-1]}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() else old.unlink()
