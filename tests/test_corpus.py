"""The corpus of malformed inputs (tests/corpus/expected.toml) through the real CLI entry point, in process.

Each case must exit with its expected code (2: bad input), on lines that name the file and the
dotted key, before any simulation: no traceback, no silent accept. Run this file as a script
for the corpus's figures: cases, tracebacks, silent accepts, wrong exit codes, unnamed keys.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
CASES: list[dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["case"]


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str

    def verdict(self, case: dict) -> str:
        """'ok', or the class of failure the corpus's figures count."""
        if "Traceback" in self.output or "--debug for the traceback" in self.output:
            return "traceback"
        if self.code == 0:
            return "silent accept"
        if self.code != case["exit"]:
            return "wrong exit code"
        lines = [line for line in self.output.splitlines() if line.startswith("error:") or "│" in line]
        if case["key"].startswith("-") or "--set" in case["args"] or case["command"] == "compare":
            named = [line for line in lines if case["key"] in line.replace(str(CORPUS), "<corpus>")]
        else:  # the line must start with the very file that set the key, then the key itself
            prefix = f"error: {CORPUS / case['file']}: " + (f"{case['key']}: " if case["key"] else "")
            named = [line for line in lines if line.startswith(prefix)]
        return "ok" if any(case["says"] in line for line in named) else "key not named"


def run_case(case: dict, tmp: Path, capture: pytest.CaptureFixture[str] | None = None) -> Outcome:
    """Run one case with ``tmp`` as the working folder; the CLI's exit code and everything it printed."""
    import os
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from minsheng_insure import cli

    (tmp / "notes.txt").write_text("a planner's notes: never deleted")
    (tmp / "taken").mkdir(exist_ok=True)
    (tmp / "taken" / "keep.txt").write_text("kept")
    args = [a.format(corpus=CORPUS, tmp=tmp) for a in case["args"]]
    argv = ["minsheng", case["command"], str(CORPUS / case["file"])]
    if case["command"] == "compare":
        argv = ["minsheng", "compare", str(CORPUS / case["file"]), *args[:1]]
        args = args[1:]
    argv += args
    if case["command"] in ("run", "compare"):
        argv += ["-n", "1", "-q"] if "-n" not in args else ["-q"]
    if case["command"] == "sweep":
        argv += ["--workers", "1", "-q"] + ([] if "--out" in args else ["--out", str(tmp / "sweep")])
    out, err = StringIO(), StringIO()
    cwd, old_argv = Path.cwd(), sys.argv
    os.chdir(tmp)
    sys.argv = argv
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            cli.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as e:  # an exception escaping main is a traceback the user would see
        err.write(f"Traceback (escaped main): {type(e).__name__}: {e}\n")
        code = 1
    finally:
        os.chdir(cwd)
        sys.argv = old_argv
    assert (tmp / "notes.txt").read_text() == "a planner's notes: never deleted", "a file was deleted"
    assert (tmp / "taken" / "keep.txt").exists(), "a folder was replaced without --force"
    return Outcome(code, out.getvalue() + err.getvalue())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_malformed_input_is_refused_in_one_line_naming_file_and_key(case: dict, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path)
    assert outcome.verdict(case) == "ok", outcome.output


def test_the_corpus_is_large_and_every_file_is_used() -> None:
    assert len(CASES) >= 60
    used = {c["file"] for c in CASES} | {"expected.toml", "base.toml", "cycle_b.toml", "other_horizon.toml",
                                         "other_county.toml", "other_year.toml"}
    assert {p.name for p in CORPUS.iterdir()} <= used


if __name__ == "__main__":
    import tempfile

    tally: dict[str, list[str]] = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            tally.setdefault(run_case(case, Path(tmp)).verdict(case), []).append(case["name"])
    print(f"cases: {len(CASES)}")
    for verdict in ("ok", "traceback", "silent accept", "wrong exit code", "key not named"):
        names = tally.get(verdict, [])
        print(f"{verdict}: {len(names)}" + (f" ({', '.join(names)})" if names and verdict != "ok" else ""))
