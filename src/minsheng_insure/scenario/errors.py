"""Scenario errors that a planner can act on: file, dotted key, problem and fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.problem}. Fix: {self.fix}"


class ScenarioError(Exception):
    """A scenario could not be loaded or validated; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ReferenceProblems(ValueError):
    """Raised inside validation for cross-references (a crime type naming an unknown asset class...).

    pydantic keeps the raised exception, so the loader can report each key separately.
    """

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {problem}" for key, problem, _ in problems))
