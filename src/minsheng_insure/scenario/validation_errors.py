"""Translating pydantic's ValidationError into Problems a planner can act on: file, dotted key, fix.

pydantic reports a location tuple, an error type and a message written for programmers; this
module turns each into the dotted key as the user wrote it, the file that set that key (a child
or a parent reached through ``extends``), a short problem and a fix that names what is allowed.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from minsheng_insure.model.distributions import DISTRIBUTION_NAMES
from minsheng_insure.scenario.errors import Problem, ReferenceProblems

Origins = dict[str, str]
"""Dotted key -> the file (or 'override') that set it, so errors name the right file."""


def problems_of(error: ValidationError, data: dict[str, Any], origins: Origins, default_file: str,
                root: type[BaseModel]) -> list[Problem]:
    """One Problem per error of ``error``, raised validating ``data`` as ``root``."""
    problems = []
    for err in error.errors():
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, ReferenceProblems):
            problems += [Problem(file_of(key, origins, default_file), key, problem, fix)
                         for key, problem, fix in cause.problems]
            continue
        key = _user_key(err["loc"], data)
        problems.append(Problem(file_of(key, origins, default_file), key, _problem_text(err),
                                _fix(err, key, root)))
    return problems


def _user_key(loc: tuple[Any, ...], data: Any) -> str:
    """The dotted key as the user wrote it: pydantic puts the ``dist`` tag in the location, drop it."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(node, dict) and item not in node and node.get("dist") == item:
            continue
        parts.append(str(item))
        if isinstance(node, dict):
            node = node.get(item)
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
        else:
            node = None
    return ".".join(parts)


def file_of(key: str, origins: Origins, default_file: str) -> str:
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
    if kind == "finite_number":
        return f"must be a finite number (got {err.get('input')!r})"
    text = err["msg"]
    if "input" in err and not isinstance(err["input"], dict | list):
        text += f" (got {_short(err['input'])})"
    return text.removeprefix("Value error, ")


def _short(value: Any) -> str:
    """The offending value, cut short: a pasted megabyte must not become the error line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


BOUNDS = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
          "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
NUMBER_ERRORS = ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float", "finite_number")


def _fix(err: dict[str, Any], key: str, root: type[BaseModel]) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    field = _field_at(root, key.split("."))
    described = f" ({field.description})" if field is not None and field.description else ""
    if kind in BOUNDS:
        word, bound = BOUNDS[kind]
        return f"use a value {word} {ctx[bound]}{described}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, key.split(".")[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"remove it or correct its spelling{hint}"
    if kind == "missing":
        return f"add {key.split('.')[-1]} = ...{described}"
    if kind in NUMBER_ERRORS:
        return f"write a finite number without quotes or units{described}"
    if kind in ("bool_type", "bool_parsing"):
        return "write true or false"
    if kind == "string_type":
        return "write text in quotes"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"write a table{described}"
    if kind == "list_type":
        return f"write a list in brackets{described}"
    if kind == "literal_error":
        return f"use one of {ctx.get('expected')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"write a distribution table with dist = one of {', '.join(DISTRIBUTION_NAMES)}"
    if kind in ("too_short", "too_long"):
        return f"give the expected number of entries{described}"
    return f"see the format in the README{described}"


def _model_at(root: type[BaseModel], path: list[str]) -> type[BaseModel] | None:
    """The model that holds the keys under ``path`` (dict keys such as crime type names skipped)."""
    annotation: Any = root
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) in (dict, list):
            annotation = typing.get_args(annotation)[-1]
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


def _allowed_keys(root: type[BaseModel], path: list[str]) -> list[str]:
    model = _model_at(root, path)
    return sorted(model.model_fields) if model is not None else []


def _field_at(root: type[BaseModel], path: list[str]) -> Any:
    model = _model_at(root, path[:-1])
    return None if model is None else model.model_fields.get(path[-1])
