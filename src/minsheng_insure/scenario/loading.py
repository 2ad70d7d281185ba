"""Reading scenarios from TOML: ``extends`` chains, overrides, and errors a planner can act on."""

from __future__ import annotations

import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from minsheng_insure.model.distributions import DISTRIBUTION_NAMES
from minsheng_insure.scenario.errors import Problem, ReferenceProblems, ScenarioError
from minsheng_insure.scenario.schema import Scenario

Origins = dict[str, str]
"""Dotted key -> the file (or 'override') that set it, so errors name the right file."""


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file, following ``extends`` (relative to the file) recursively."""
    path = Path(path)
    data, origins = _resolve(path, ())
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
        node[parts[-1]] = value
        origins[key] = "override"
    return _validate(data, origins, "override")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), "", "file not found", "check the path (relative paths in "
                                     "'extends' are relative to the file that names them)")]) from None
    except tomllib.TOMLDecodeError as e:
        problem = Problem(str(path), "", f"not valid TOML: {e}", "correct the syntax at that line")
        raise ScenarioError([problem]) from None
    except OSError as e:
        problem = Problem(str(path), "", f"cannot be read: {e.strerror}", "check the path and permissions")
        raise ScenarioError([problem]) from None


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Origins]:
    """The merged data of ``path`` and its ``extends`` ancestors, with where each key came from."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError([Problem(str(path), "extends", f"extends cycle: {cycle}", "remove one of the extends")])
    data = _read_toml(path)
    parent_name = data.pop("extends", None)
    own_origins = {key: str(path) for key in _leaf_keys(data)}
    if parent_name is None:
        return data, own_origins
    if not isinstance(parent_name, str):
        raise ScenarioError([Problem(str(path), "extends", "must be a file name",
                                     'write extends = "other.toml"')])
    parent_path = path.parent / parent_name
    if not parent_path.exists():
        raise ScenarioError([Problem(str(path), "extends", f"'{parent_name}' not found (looked for {parent_path})",
                                     "name an existing scenario file, relative to this one")])
    base, origins = _resolve(parent_path, (*chain, resolved))
    replaced = [key.removesuffix(".dist") for key in own_origins if key.endswith(".dist")]
    origins = {k: v for k, v in origins.items() if not any(k.startswith(r + ".") for r in replaced)}
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
        raise ScenarioError(_problems(e, data, origins, default_file)) from None


def _problems(error: ValidationError, data: dict[str, Any], origins: Origins, default_file: str) -> list[Problem]:
    problems = []
    for err in error.errors():
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, ReferenceProblems):
            problems += [Problem(_file_of(key, origins, default_file), key, problem, fix)
                         for key, problem, fix in cause.problems]
            continue
        key = _user_key(err["loc"], data)
        problems.append(Problem(_file_of(key, origins, default_file), key, _problem_text(err), _fix(err, key)))
    return problems


def _user_key(loc: tuple[Any, ...], data: Any) -> str:
    """The dotted key as the user wrote it: pydantic puts the ``dist`` tag in the location, drop it."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(node, dict) and item not in node and node.get("dist") == item:
            continue
        parts.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def _file_of(key: str, origins: Origins, default_file: str) -> str:
    """The file that set ``key`` or the nearest table above it."""
    if key in origins:
        return origins[key]
    above = [k for k in origins if key.startswith(k + ".")]
    if above:
        return origins[max(above, key=len)]
    # A whole table: blame the file loaded if it wrote into the table, else its nearest ancestor that did.
    below = {origins[k] for k in origins if k.startswith(key + ".")}
    if default_file in below or not below:
        return default_file
    order = list(origins.values())
    return max(below, key=order.index)


def _problem_text(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    text = err["msg"]
    if "input" in err and not isinstance(err["input"], dict):
        text += f" (got {err['input']!r})"
    return text.removeprefix("Value error, ")


def _fix(err: dict[str, Any], key: str) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    field = _field_at(key.split("."))
    described = f" ({field.description})" if field is not None and field.description else ""
    bounds = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
    if kind in bounds:
        word, bound = bounds[kind]
        return f"use a value {word} {ctx[bound]}{described}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(key.split(".")[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"remove it or correct its spelling{hint}"
    if kind == "missing":
        return f"add {key.split('.')[-1]} = ...{described}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"write a number without quotes or units{described}"
    if kind in ("bool_type", "bool_parsing"):
        return "write true or false"
    if kind in ("string_type",):
        return "write text in quotes"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"write a table{described}"
    if kind == "literal_error":
        return f"use one of {ctx.get('expected')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"write a distribution table with dist = one of {', '.join(DISTRIBUTION_NAMES)}"
    if kind in ("too_short", "too_long"):
        return f"give the expected number of entries{described}"
    return f"see the scenario format in the README{described}"


def _model_at(path: list[str]) -> type[BaseModel] | None:
    """The parameter model that holds the keys under ``path`` (dict keys such as crime type names skipped)."""
    annotation: Any = Scenario
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional so the model (or dict) underneath shows."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def _allowed_keys(path: list[str]) -> list[str]:
    model = _model_at(path)
    return sorted(model.model_fields) if model is not None else []


def _field_at(path: list[str]) -> Any:
    model = _model_at(path[:-1])
    return None if model is None else model.model_fields.get(path[-1])


def scenario_to_toml(scenario: Scenario, header: str = "") -> str:
    """The fully resolved scenario as TOML (no ``extends``), loadable by ``load_scenario``."""
    import tomli_w

    text = tomli_w.dumps(scenario.model_dump(exclude_none=True))
    return "".join(f"# {line}\n" for line in header.splitlines()) + text


def parse_override(assignment: str) -> tuple[str, Any]:
    """``key=value`` from the command line; the value is read as TOML (a number, true, "text", [..])."""
    key, sep, text = assignment.partition("=")
    if not sep or not key.strip():
        raise ScenarioError([Problem("--set", assignment, "not of the form key=value",
                                     "write e.g. --set insurance.budget_yuan=2000000")])
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()  # bare words such as pro_rata are text
    return key.strip(), value
