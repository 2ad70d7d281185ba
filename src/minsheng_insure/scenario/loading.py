"""Reading scenarios from TOML: ``extends`` chains, overrides, and errors a planner can act on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.schema import Scenario
from minsheng_insure.scenario.validation_errors import Origins, problems_of

MAX_FILE_BYTES = 1 << 20
"""A scenario is a few kilobytes; a larger file is a mistake (a data file named by accident)."""
MAX_DEPTH = 16
"""Tables and lists nest at most about six levels in a scenario; deeper is a malformed file."""


def load_scenario(path: str | Path, allow_outside: bool = False) -> Scenario:
    """Load and validate a scenario file, following ``extends`` (relative to the file) recursively.

    ``extends`` may only name files inside the folder of ``path`` (or below it), so a scenario
    cannot pull an unrelated file into a run and its report; ``allow_outside`` lifts that.
    """
    path = Path(path)
    root = None if allow_outside else path.resolve().parent
    data, origins = _resolve(path, (), root)
    return _validate(data, origins, str(path))


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Replace dotted keys of ``scenario`` and validate the result."""
    data = scenario.model_dump()
    origins: Origins = {}
    for key, value in overrides.items():
        parts = key.split(".")
        node = data
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ScenarioError([Problem("override", key, f"'{'.'.join(parts[: i + 1])}' is a value, not a table",
                                             "override the value itself, or a key of a table")])
            node = child
        if isinstance(node.get(parts[-1]), dict) and not isinstance(value, dict):
            # Replacing a whole table by a number would surface as a puzzling 'write a table' deep inside.
            raise ScenarioError([Problem("override", key, "names a table, not a value",
                                         f"override one of its keys, e.g. {key}.{next(iter(node[parts[-1]]), 'key')}")])
        node[parts[-1]] = value
        origins[key] = "override"
    return _validate(data, origins, "override")


def read_toml(path: Path) -> dict[str, Any]:
    """The table of a TOML file; a ScenarioError naming the file for anything that is not readable TOML."""

    def refuse(problem: str, fix: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), "", problem, fix)])

    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        where = Path.cwd() / path if not path.is_absolute() else path
        raise refuse("file not found", f"check the path: it was looked for at {where} (a relative path starts "
                     "from the folder the command runs in)") from None
    except OSError as e:
        raise refuse(f"cannot be read: {e.strerror}", "check the path and permissions") from None
    if len(raw) > MAX_FILE_BYTES:
        raise refuse(f"larger than {MAX_FILE_BYTES // 1024} KiB, not a scenario", "name the scenario's TOML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        hint = " (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise refuse(f"not UTF-8 text{hint}: byte {e.start} cannot be decoded",
                     "save the file as UTF-8 (without BOM) text") from None
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        raise refuse(f"not valid TOML: {e}", "correct the syntax at that line") from None
    except RecursionError:
        raise refuse("nested too deeply to read", f"scenarios nest tables and lists at most {MAX_DEPTH} levels") \
            from None
    if _depth(data) > MAX_DEPTH:
        raise refuse(f"tables or lists nested more than {MAX_DEPTH} levels deep",
                     "flatten the file; see the scenario format in the README")
    return data


def _depth(value: Any) -> int:
    """How deeply tables and lists nest in ``value`` (iterative: the input may be hostile)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack += [(child, level + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def _resolve(path: Path, chain: tuple[Path, ...], root: Path | None) -> tuple[dict[str, Any], Origins]:
    """The merged data of ``path`` and its ``extends`` ancestors, with where each key came from."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError([Problem(str(path), "extends", f"extends cycle: {cycle}", "remove one of the extends")])
    data = read_toml(path)
    parent_name = data.pop("extends", None)
    own_origins = {key: str(path) for key in _leaf_keys(data)}
    if parent_name is None:
        return data, own_origins
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError([Problem(str(path), "extends", "must be a file name",
                                     'write extends = "other.toml"')])
    parent_path = path.parent / parent_name
    if root is not None and not parent_path.resolve().is_relative_to(root):
        raise ScenarioError([Problem(str(path), "extends", f"'{parent_name}' is outside the scenario's folder {root}",
                                     "copy the file into that folder, or pass --allow-outside if you trust it")])
    if not parent_path.is_file():
        raise ScenarioError([Problem(str(path), "extends", f"'{parent_name}' not found (looked for {parent_path})",
                                     "name an existing scenario file, relative to this one")])
    base, origins = _resolve(parent_path, (*chain, resolved), root)
    replaced = [key.removesuffix(".dist") for key in own_origins if key.endswith(".dist")]
    replaced += list(own_origins)
    # A key the child sets takes the blame for everything it replaces: the parent's value at that key,
    # the parent's table it replaced with a value, and the parent's value it replaced with a table.
    origins = {k: v for k, v in origins.items()
               if not any(k == r or k.startswith(r + ".") or r.startswith(k + ".") for r in replaced)}
    origins.update(own_origins)
    return _merge(base, data), origins


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the base's."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            if "dist" in value:
                merged[key] = value  # a new distribution replaces the old one whole: its keys differ
            else:
                merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _leaf_keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k, v in data.items():
        dotted = f"{prefix}.{k}" if prefix else str(k)
        keys += _leaf_keys(v, dotted) if isinstance(v, dict) else [dotted]
    return keys


def _validate(data: dict[str, Any], origins: Origins, default_file: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(problems_of(e, data, origins, default_file, Scenario)) from None


def scenario_to_toml(scenario: Scenario, header: str = "") -> str:
    """The fully resolved scenario as TOML (no ``extends``), loadable by ``load_scenario``."""
    import tomli_w

    text = tomli_w.dumps(scenario.model_dump(exclude_none=True))
    return "".join(f"# {line}\n" for line in header.splitlines()) + text


CHINESE_UNITS = {"万": 1e4, "亿": 1e8}
"""Chinese money units a planner writes: 75万 is 750,000 yuan, 1.5亿 is 150 million."""
_CHINESE_AMOUNT = re.compile(r"^([+-]?[0-9][0-9_,]*(?:\.[0-9]+)?)\s*(万|亿)元?$")


def parse_override(assignment: str, option: str = "--set") -> tuple[str, Any]:
    """``key=value`` from the command line; the value is read as TOML (a number, true, "text", [..]),
    and an amount in 万 or 亿 (``75万``, ``1.5亿``, ``200万元``) as yuan."""
    key, sep, text = assignment.partition("=")
    if not sep or not key.strip():
        raise ScenarioError([Problem(option, assignment, "not of the form key=value",
                                     f"write e.g. {option} insurance.budget_yuan=2000000 (or 200万)")])
    return key.strip(), parse_value(key.strip(), text, option)


def parse_value(key: str, text: str, option: str = "--set") -> Any:
    """One value of ``key`` as typed on the command line (see ``parse_override``)."""
    text = text.strip()
    amount = _CHINESE_AMOUNT.match(text)
    if amount:
        number = float(amount.group(1).replace(",", "").replace("_", "")) * CHINESE_UNITS[amount.group(2)]
        return int(number) if number.is_integer() else number
    if any(unit in text for unit in CHINESE_UNITS):
        raise ScenarioError([Problem(option, key, f"{text!r} is not an amount",
                                     "write a number before 万 or 亿, e.g. 75万 or 1.5亿 (or yuan: 750000)")])
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text  # bare words such as pro_rata are text


def parse_grid(assignment: str) -> tuple[str, list[Any]]:
    """``key=v1,v2,...`` of ``--set-grid``: the key and its values (each read like a ``--set`` value)."""
    key, sep, text = assignment.partition("=")
    values = [v for v in text.split(",") if v.strip()]
    if not sep or not key.strip() or not values:
        raise ScenarioError([Problem("--set-grid", assignment, "not of the form key=value,value,...",
                                     "write e.g. --set-grid insurance.budget_yuan=0,75万,150万,300万")])
    return key.strip(), [parse_value(key.strip(), v, "--set-grid") for v in values]


def value_text(key: str, value: Any) -> str:
    """A parameter value for a title: yuan in 万 when whole (200万), other values as written."""
    if key.endswith("_yuan") and isinstance(value, int | float) and not isinstance(value, bool):
        if value and value % 1e8 == 0:
            return f"{value / 1e8:g}亿"
        if value and value % 1e4 == 0:
            return f"{value / 1e4:g}万"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def record_overrides(scenario: Scenario, original: Scenario, overrides: dict[str, Any]) -> Scenario:
    """``scenario`` (``original`` with ``overrides`` applied) saying so: its name lists the overrides,
    its description says the file's text describes the file's values, and each overridden key's
    provenance reads "override on the command line" with the value and source it replaced."""
    changes = "; ".join(f"{k} = {value_text(k, v)}" for k, v in overrides.items())
    provenance = dict(scenario.provenance)
    for key, value in overrides.items():
        try:
            before: Any = _read(original, key)
        except KeyError:
            before = "(default)"
        was = f"was {value_text(key, before)}"
        old_source = original.provenance.get(key)  # a table's entry still covers the keys not overridden
        provenance[key] = (f"override on the command line: {value_text(key, value)} ({was}"
                           + (f"; the file's source for that value: {old_source})" if old_source else ")"))
    description = (f"{original.name} with {changes} set on the command line"
                   + (f"; the file describes its own values: {original.description}" if original.description
                      else ""))
    return scenario.model_copy(update={"name": f"{original.name} ({changes})", "description": description,
                                       "provenance": provenance})


def _read(scenario: Scenario, key: str) -> Any:
    node: Any = scenario.model_dump()
    for part in key.split("."):
        node = node[part]
    return node
