"""Shared by the benchmarks that compare this tree with an earlier revision: the source folders to time.

``--against`` takes a folder holding an earlier checkout (its ``src/`` is used) or a git revision,
checked out for the run into a temporary worktree and removed afterwards. Both trees run on this
interpreter, with their ``src/`` first on PYTHONPATH, so only the code differs.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def source_trees(against: str | None) -> Iterator[dict[str, Path]]:
    """Name -> ``src`` folder: this tree, and the earlier one when ``against`` is given."""
    trees = {"this tree": ROOT / "src"}
    if against is None:
        yield trees
        return
    if Path(against).is_dir():
        yield {**trees, f"against {against}": Path(against).resolve() / "src"}
        return
    folder = Path(tempfile.mkdtemp(prefix="minsheng-against-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), against], check=True,
                   capture_output=True)
    try:
        yield {**trees, f"against {against}": folder / "src"}
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False,
                       capture_output=True)


def env_for(src: Path) -> dict[str, str]:
    """The environment that makes a subprocess import the package from ``src`` (not an installed copy)."""
    return {**os.environ, "PYTHONPATH": str(src)}
