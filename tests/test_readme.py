"""Every command and snippet in README.md runs as written.

The README's ```bash, ```python and ```toml blocks are taken in order and run in a copy of the
repository's data folders (scenarios/, sweeps/, benchmarks/, docs/) in a temporary folder, where
``.venv`` points at the environment running the tests, so ``.venv/bin/minsheng`` and ``minsheng``
both work and every output lands in the temporary folder. A ```toml block whose first line is a
comment naming a file (``# budget_sweep.toml``) is saved under that name, as the README asks the
reader to. Changed on the way, and only these (README, "Development"):

- the install commands (``python3 -m venv ...``, ``.venv/bin/pip install ...``) are dropped from a
  line, and a line that runs pytest is skipped: CI runs those exact lines (``.ci/run``);
- replication counts become 2 (``-n 20``, ``replications=20``; 1 in a sweep spec; a ``minsheng run``,
  ``compare``, ``decompose`` or ``calibrate`` line that relies on the default gets ``-n 2``), a
  calibration's draws become 4 (``--draws 4`` added), a sweep's ``samples`` become 2 and ``workers``
  1: the README's figures take minutes, the test seconds;
- ``tcp://host:8786``, the address of "an existing Dask cluster", becomes one the test starts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
COPIED = ("scenarios", "sweeps", "benchmarks", "docs", "calibration")

SHRINK: list[tuple[str, str]] = [
    (r"(?<![\w-])(-n|--replications) \d+", r"\1 2"),
    (r"\breplications=\d+", "replications=2"),
    (r"(?m)^replications = \d+", "replications = 1"),
    (r"(?m)^samples = \d+", "samples = 2"),
    (r"\bworkers=\d+", "workers=1"),
    (r"--workers \d+", "--workers 1"),
    (r"--draws \d+", "--draws 4"),
    # a command that relies on the default replication count (20) or draws (256)
    (r"(?m)^((?:\.venv/bin/)?minsheng (?:run|compare|decompose|calibrate) (?:(?!-n |--replications |#).)*?"
     r"(?:\\\n(?:(?!-n |--replications |#).)*?)*)(?=\s*(?:#.*)?$)", r"\1 -n 2"),
    (r"(?m)^((?:\.venv/bin/)?minsheng calibrate (?:(?!--draws |#).)*?(?:\\\n(?:(?!--draws |#).)*?)*)(?=\s*(?:#.*)?$)",
     r"\1 --draws 4"),
]
"""The documented substitutions that make slow blocks fast (pattern, replacement)."""

INSTALL = re.compile(r"^(python3 -m venv \S+|\S*pip install .*)$")


def readme_blocks(text: str) -> Iterator[tuple[str, str]]:
    """(language, code) of each fenced block of ``text``, in order."""
    for match in re.finditer(r"^```(\w+)\n(.*?)^```", text, flags=re.M | re.S):
        yield match.group(1), match.group(2)


def runnable(language: str, code: str) -> str | None:
    """The block as the test runs it (``SHRINK`` applied, install steps dropped), or None to skip it."""
    if language == "bash":
        lines = []
        for line in code.splitlines():
            steps = [s for s in line.split(" && ") if not INSTALL.match(s.strip())]
            if any("pytest" in s for s in steps):
                continue  # the README's test command: CI runs exactly that line
            lines.append(" && ".join(steps))
        code = "\n".join(lines)
    for pattern, replacement in SHRINK:
        code = re.sub(pattern, replacement, code)
    return code if code.strip() else None


def test_blocks_are_recognised() -> None:
    text = ("intro\n```bash\npython3 -m venv .venv && .venv/bin/pip install -e . && minsheng run x -n 20\n```\n"
            "```bash\npython3 -m venv .venv && .venv/bin/pip install -e \".[test]\" && .venv/bin/python -m pytest\n"
            "```\n```python\nsimulate(s, replications=20, workers=4)\n```\n")
    blocks = [runnable(lang, code) for lang, code in readme_blocks(text)]
    assert blocks == ["minsheng run x -n 2", None, "simulate(s, replications=2, workers=1)\n"]
    defaults = runnable("bash", "minsheng compare a b --out x  # comment\n"
                                "minsheng calibrate s --targets t \\\n  --free k")
    assert defaults == ("minsheng compare a b --out x -n 2  # comment\n"
                        "minsheng calibrate s --targets t \\\n  --free k -n 2 --draws 4")


@pytest.fixture
def dask_address() -> Iterator[str]:
    """A scheduler with one worker thread: the 'existing Dask cluster' of the README."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_every_readme_block_runs(tmp_path: Path, dask_address: str) -> None:
    for folder in COPIED:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("out", "__pycache__"))
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "MPLBACKEND": "Agg"}
    env.pop("MINSHENG_LANG", None)
    ran = 0
    for number, (language, code) in enumerate(readme_blocks((ROOT / "README.md").read_text(encoding="utf-8")), 1):
        first = code.splitlines()[0] if code.strip() else ""
        if language == "toml" and re.fullmatch(r"# [\w./-]+\.toml", first):
            (tmp_path / first[2:]).write_text(runnable(language, code) or "", encoding="utf-8")
            continue
        if language not in ("bash", "python"):
            continue
        script = runnable(language, code)
        if script is None:
            continue
        script = script.replace("tcp://host:8786", dask_address)
        command = ["bash", "-euo", "pipefail", "-c", script] if language == "bash" else [sys.executable, "-c", script]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"README block {number} ({language}) failed:\n{script}\n{done.stderr[-3000:]}"
        ran += 1
    assert ran >= 4, "the README's blocks were not found"
