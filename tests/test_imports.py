"""Start-up imports only what a command needs; optional extras fail with a line naming the extra."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from minsheng_insure.experiments.sweep import DaskExecutor, SweepSpec, sample_points
from minsheng_insure.extras import MissingExtra, require

SCENARIOS = Path(__file__).parent.parent / "scenarios"

HEAVY = ("matplotlib", "openpyxl", "pyarrow", "dask", "distributed", "SALib", "scipy.stats")
"""Modules that cost a large share of a second or more and only some commands need."""


def loaded_after(code: str) -> list[str]:
    """Which of HEAVY, pandas, numpy and scipy a fresh interpreter holds after running ``code``."""
    watched = [*HEAVY, "pandas", "numpy", "scipy"]
    probe = (f"import sys, json\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
             f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def command(*args: str) -> str:
    """Code running the ``minsheng`` console script's entry point with ``args``."""
    return f"sys.argv = ['minsheng', *{list(args)!r}]; from minsheng_insure.cli import main; main()"


def test_importing_the_package_loads_no_dependencies() -> None:
    assert loaded_after("import minsheng_insure") == []


def test_help_loads_no_scientific_stack() -> None:
    assert loaded_after(command("--help")) == []
    assert loaded_after(command("run", "--help")) == []


def test_validate_loads_only_what_a_scenario_needs() -> None:
    loaded = loaded_after(command("validate", *map(str, sorted(SCENARIOS.glob("*.toml"))), "--provenance"))
    assert not set(loaded) & set(HEAVY), loaded


def test_the_package_still_gives_its_public_names() -> None:
    import minsheng_insure

    for name in minsheng_insure.__all__:
        assert getattr(minsheng_insure, name) is not None, name
    assert set(minsheng_insure.__all__) <= set(dir(minsheng_insure))
    with pytest.raises(AttributeError):
        _ = minsheng_insure.no_such_name


def sobol_spec() -> SweepSpec:
    return SweepSpec.model_validate({"sampler": "sobol", "samples": 4,
                                     "parameters": {"insurance.budget_yuan": {"low": 0, "high": 1e6}}})


def test_a_missing_extra_names_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)  # what an install without the extra looks like
    with pytest.raises(MissingExtra, match=r'the sobol sampler needs SALib.*pip install -e "\.\[sweep\]"'):
        sample_points(sobol_spec())
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtra, match=r'a Dask cluster needs distributed.*"minsheng-insure\[dask\]"'):
        DaskExecutor("local")


def test_a_broken_optional_package_is_not_reported_as_missing(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "half_installed").mkdir()
    (tmp_path / "half_installed" / "__init__.py").write_text("import no_such_dependency_of_it\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as caught:
        require("half_installed", "sweep", "a test")
    assert not isinstance(caught.value, MissingExtra)  # its own error names what it lacks
    assert caught.value.name == "no_such_dependency_of_it"


def test_the_command_line_reports_a_missing_extra_in_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(f'base = "{(SCENARIOS / "baseline.toml").as_posix()}"\nsampler = "sobol"\nsamples = 2\n'
                    '[parameters]\n"insurance.budget_yuan" = { low = 0, high = 1000000 }\n')
    code = ("import sys; sys.modules['SALib'] = None; "
            + command("sweep", str(spec), "--out", str(tmp_path / "out")))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        'error: the sobol sampler needs SALib, which is not installed: pip install "minsheng-insure[sweep]" '
        '(from a checkout: pip install -e ".[sweep]")']


def test_every_package_says_what_it_offers() -> None:
    import pkgutil

    import minsheng_insure

    packages = [minsheng_insure, *(importlib.import_module(f"minsheng_insure.{m.name}")
                                   for m in pkgutil.iter_modules(minsheng_insure.__path__) if m.ispkg)]
    assert len(packages) == 7
    for package in packages:
        modules = {m.name for m in pkgutil.iter_modules(package.__path__)} if package is not minsheng_insure else set()
        for name in package.__all__:
            assert name in modules or getattr(package, name, None) is not None, f"{package.__name__}.{name}"
        # a package listing its modules lists all of them, so none is forgotten when one is added
        if modules & set(package.__all__):
            assert modules == set(package.__all__), package.__name__
