"""The generated tables of docs/scenarios.md: every county's scenario against its own baseline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minsheng_insure import load_scenario
from minsheng_insure.report.scenario_tables import (
    TABLES,
    Settings,
    baseline_of,
    is_baseline,
    library_table,
    marker,
    replace_tables,
)
from minsheng_insure.scenario.compatibility import check_comparable

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DOC = ROOT / "docs" / "scenarios.md"
SCHEMES = sorted(p.name for p in SCENARIOS.glob("*.toml") if not is_baseline(p.name))


def _block(text: str, name: str) -> str:
    begin, end = marker(name)
    found = re.search(re.escape(begin) + r"\n(.*?)\n" + re.escape(end), text, re.S)
    assert found, f"docs/scenarios.md lacks the {name} table: python -m minsheng_insure.report.scenario_tables"
    return found.group(1)


@pytest.mark.parametrize("name", SCHEMES)
def test_every_scheme_compares_with_its_own_county(name: str) -> None:
    check_comparable(load_scenario(SCENARIOS / baseline_of(name)), load_scenario(SCENARIOS / name))


def test_the_county_baselines_are_their_own_counties() -> None:
    sizes = {name: load_scenario(SCENARIOS / name).county for name in
             ("baseline.toml", "shangshui_baseline.toml", "xihua_baseline.toml")}
    assert sizes["shangshui_baseline.toml"].villages == 566
    assert len({(c.townships, c.villages, c.households) for c in sizes.values()}) == 3


def test_the_docs_hold_every_generated_table_for_the_current_library() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in TABLES:
        block = _block(text, name)
        assert re.search(r"\d+ paired replications.*seed \d+", block), f"{name}: replications and seed not stated"
        assert "|---|" in block, f"{name}: no table"
    rows = [line.split(" | ")[:2] for line in _block(text, "library").splitlines() if line.startswith("| ")][1:]
    listed = {scheme.lstrip("| "): against for scheme, against in rows}
    assert listed == {s.removesuffix(".toml"): baseline_of(s).removesuffix(".toml") for s in SCHEMES}, (
        "docs/scenarios.md lists other scenarios than scenarios/ holds: "
        "python -m minsheng_insure.report.scenario_tables docs/scenarios.md")


def test_tables_are_replaced_between_their_markers_only() -> None:
    begin, end = marker("xihua")
    text = f"intro\n{begin}\nold\n{end}\noutro\n"
    assert replace_tables(text, {"xihua": "new | $1 \\1"}) == f"intro\n{begin}\nnew | $1 \\1\n{end}\noutro\n"
    with pytest.raises(ValueError, match="scenario-table:shenqiu"):
        replace_tables(text, {"shenqiu": "x"})


@pytest.mark.slow
def test_the_library_table_states_its_size(tmp_path: Path) -> None:
    for name in ("baseline.toml", "xihua_baseline.toml", "xihua_cameras.toml"):
        (tmp_path / name).write_text((SCENARIOS / name).read_text(encoding="utf-8"), encoding="utf-8")
    table = library_table(Settings(tmp_path, replications=2, seed=3))
    assert "2 paired replications, seed 3" in table
    assert re.search(r"\| xihua_cameras \| xihua_baseline \| [+-][\d.]+% \[", table), table
