"""The clock behind one ``Engine`` protocol: the fast default and the simpy reference.

``get_engine("fast" | "simpy")`` gives an engine; both run the same rules (``engine.county``)
and give identical outputs for the same scenario, seed and replication.
"""

from __future__ import annotations

from minsheng_insure.engine.base import Engine, ReplicationOutput
from minsheng_insure.engine.fast import FastEngine
from minsheng_insure.engine.simpy_engine import SimpyEngine

ENGINES: dict[str, type[FastEngine] | type[SimpyEngine]] = {"fast": FastEngine, "simpy": SimpyEngine}
"""The engines by name; ``fast`` is the default."""


def get_engine(engine: str | Engine | None = None) -> Engine:
    """The engine named ``engine`` (default ``fast``), or ``engine`` itself if it is one."""
    if engine is None:
        return FastEngine()
    if isinstance(engine, str):
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
        return ENGINES[engine]()
    return engine


__all__ = ["ENGINES", "Engine", "FastEngine", "ReplicationOutput", "SimpyEngine", "get_engine"]
