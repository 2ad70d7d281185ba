"""Feeding time-ordered work into a simpy environment without a process per item.

A simpy process per case costs a generator and several events; the stages here only need a
callback at a given time, so each batch keeps a single pending timeout that re-arms itself for
the next item. That is what lets the investigation queue run several times faster than a
process-per-case model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import simpy


def feed_in_time_order(env: simpy.Environment, times: Sequence[float], handler: Callable[[int], None]) -> None:
    """Call ``handler(k)`` at simulation time ``times[k]``; ``times`` must be ascending and not in the past."""
    count = len(times)

    def fire(event: simpy.Event) -> None:
        k = event.value
        handler(k)
        if k + 1 < count:
            env.timeout(times[k + 1] - env.now, k + 1).callbacks.append(fire)

    if count:
        env.timeout(times[0] - env.now, 0).callbacks.append(fire)
