"""Output folders that are never half-written, never written by two runs, and checked before any work.

Everything goes into a temporary sibling folder first; only a complete folder is renamed into
place, so a run killed midway leaves the old folder (or none) behind, never a partial one. A lock
file beside the folder is held from the check, before the simulation, to the rename, so two runs
into one folder cannot both claim success.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputExistsError(Exception):
    """The output folder cannot be used: it is not empty (without --force), a file, busy, or unwritable."""


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


def check_output(target: Path, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output folder that cannot or must not be replaced.

    ``force`` allows replacing a non-empty folder, never a file, the current folder (or one
    holding it), or a folder holding one of the ``inputs`` (the scenario being run).
    """
    target = Path(target)
    resolved = target.resolve()

    def refuse(problem: str, fix: str) -> OutputExistsError:
        return OutputExistsError(f"--out {target}: {problem}. Fix: {fix}")

    if target.exists() and not target.is_dir():
        raise refuse("is a file, not a folder (--force only replaces folders)", "choose a folder path for --out")
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise refuse("is the current folder or holds it; replacing it would delete your work",
                      "choose a new folder, e.g. --out results/run1")
    held = [p for p in inputs if Path(p).resolve().is_relative_to(resolved)]
    if held:
        raise refuse(f"holds the input {held[0]}; replacing the folder would delete it", "choose another folder")
    if target.exists() and any(target.iterdir()) and not force:
        raise refuse("exists and is not empty", "choose another --out or add --force")
    existing = next(p for p in (resolved, *resolved.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing if existing != resolved else resolved.parent,
                                              os.W_OK | os.X_OK):
        raise refuse(f"cannot write in {existing if existing != resolved else resolved.parent}",
                     "choose a folder you can write to")


class _Lock:
    """An exclusive lock on ``.NAME.lock`` beside the output folder, removed when released.

    Whoever holds the lock removes the file before unlocking, so a waiter that opened the old
    file checks after locking that the name still points at it, and otherwise tries again.
    """

    def __init__(self, target: Path) -> None:
        self.path = target.parent / f".{target.name}.lock"
        self.fd = -1

    def acquire(self) -> bool:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return True
            os.close(fd)

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


@contextmanager
def output_folder(target: Path, force: bool = False, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Check ``target``, lock it and yield an empty staging folder; on success it replaces ``target``.

    Enter it before the simulation: every refusal (not empty, a file, busy, unwritable) then comes
    before any work, and a failure inside leaves ``target`` as it was.
    """
    target = Path(target).resolve()
    inputs = list(inputs)
    check_output(target, force, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputExistsError(f"--out {target}: cannot create {target.parent}: {e.strerror}. "
                                "Fix: choose a folder you can write to") from None
    lock = _Lock(target)
    try:
        acquired = lock.acquire()
    except OSError as e:
        raise OutputExistsError(f"--out {target}: cannot write in {target.parent}: {e.strerror}. "
                                "Fix: choose a folder you can write to") from None
    if not acquired:
        raise OutputExistsError(f"--out {target}: another minsheng run is writing there. Fix: wait for it to "
                                "finish, or choose another --out")
    try:
        check_output(target, force, inputs)  # a run that held the lock may have just filled it
        _remove_abandoned(target)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
        except OSError as e:
            raise OutputExistsError(f"--out {target}: cannot write in {target.parent}: {e.strerror}. "
                                    "Fix: choose a folder you can write to") from None
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
            shutil.rmtree(old)
    finally:
        lock.release()
