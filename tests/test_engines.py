"""The engine seam: the fast engine gives the simpy reference engine's outputs to the last bit,
and the budget figures come from the funds the claims desks recorded."""

from __future__ import annotations

import gc
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng_insure import load_scenario, simulate
from minsheng_insure.engine import ReplicationOutput, get_engine
from minsheng_insure.engine.county import _county_rules
from minsheng_insure.engine.fast import FifoQueue, PriorityQueue
from minsheng_insure.model.codebook import FUNDS_COLUMNS
from minsheng_insure.scenario.schema import Scenario

from factories import random_overrides, small_data, small_scenario

ROOT = Path(__file__).parent.parent
SHIPPED = [*sorted((ROOT / "scenarios").glob("*.toml")), ROOT / "benchmarks" / "all_mechanisms.toml"]


def differences(a: ReplicationOutput, b: ReplicationOutput) -> list[str]:
    """The columns in which two outputs differ at all (NaN equals NaN)."""
    out = []
    for part in ("events", "samaritan", "timeline", "funds"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.keys() == y.keys(), part
        out += [f"{part}.{k}" for k in x
                if not np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f")]
    return out


def both(scenario, seed: int = 3, replication: int = 1) -> tuple[ReplicationOutput, ReplicationOutput]:
    return get_engine("fast").run(scenario, seed, replication), get_engine("simpy").run(scenario, seed, replication)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_engines_agree_on_every_shipped_scenario(path: Path) -> None:
    fast, reference = both(load_scenario(path, allow_outside=True))  # benchmarks/ extends scenarios/
    assert fast.events["incident_id"].size > 1000
    assert differences(fast, reference) == []


@pytest.mark.parametrize("overrides", [
    {"investigation.priority": "fifo"},
    {"investigation.priority": "fifo", "insurance.budget_rule": "pro_rata"},
    {"investigation.priority": "severity", "insurance.renewal": "tighten", "insurance.target_loss_ratio": 0.2},
], ids=["fifo", "fifo-pro-rata", "severity-insurer-tightening"])
def test_engines_agree_with_either_queue_order_and_budget_rule(overrides: dict) -> None:
    """Campaigns and the accountability controller change capacity mid-run: both queue orders follow them."""
    benchmark = load_scenario(ROOT / "benchmarks" / "all_mechanisms.toml", allow_outside=True)
    fast, reference = both(benchmark.with_overrides(overrides))
    assert differences(fast, reference) == []


@pytest.mark.parametrize("warm_up_days", [0.0, 17.5, 400.0])
def test_engines_agree_through_the_warm_up(warm_up_days: float) -> None:
    """The clock starts before day 0 (inside a month, or more than a year before): both engines start
    their investigators and reviews there, and agree on the warm-up's negative days too."""
    benchmark = load_scenario(ROOT / "benchmarks" / "all_mechanisms.toml", allow_outside=True)
    fast, reference = both(benchmark.with_overrides({"simulation.warm_up_days": warm_up_days}))
    assert (fast.events["incident_day"].min() < 0) == (warm_up_days > 0)
    assert fast.timeline["day"].min() == 0.0
    assert differences(fast, reference) == []


@given(overrides=random_overrides, seed=st.integers(0, 2**31 - 1),
       campaign=st.tuples(st.integers(0, 300), st.integers(1, 200), st.integers(0, 4), st.sampled_from([0.0, 3.0])))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_engines_agree_on_random_scenarios(overrides: dict, seed: int, campaign: tuple[int, int, int, float]) -> None:
    start, length, extra, series = campaign
    start = min(start, int(overrides["simulation.horizon_days"]) - 1)  # a campaign starts inside the run
    scenario = small_scenario(**{**overrides, "campaigns": [
        {"name": "c", "start_day": start, "end_day": start + length, "extra_investigators": extra,
         "series_clearances": series}]})
    fast, reference = both(scenario, seed, 0)
    assert differences(fast, reference) == []


@pytest.mark.parametrize("priority", ["fifo", "severity"])
def test_engines_agree_when_cases_cannot_wait_at_all(priority: str) -> None:
    """With no patience a case starts only if an investigator is free on arrival, else goes cold."""
    scenario = small_scenario(**{"investigation.priority": priority, "simulation.horizon_days": 730,
                                 "investigation.investigators": 1,
                                 "investigation.cold_after_days": {"dist": "fixed", "value": 0.0}})
    fast, reference = both(scenario)
    assert np.isfinite(fast.events["cold_day"]).any()
    assert differences(fast, reference) == []


def test_fifo_queue_follows_capacity_changes_exactly() -> None:
    """Hand-checked: two investigators, one retired on day 2 while both are busy, one added on day 4."""
    queue = FifoQueue(2, stop_day=100.0)
    arrival = np.array([0.0, 0.5, 1.0, 1.5, 2.5])
    queue.submit(arrival, np.array([3.0, 1.0, 1.0, 1.0, 1.0]), np.array([50.0, 50.0, 50.0, 0.8, 50.0]), arrival)
    queue.plan_capacity([(0.0, 2), (2.0, 1), (4.0, 2)])
    queue.advance(float("inf"))
    start, end, cold = queue.outcomes()
    # Case 1 ends at 1.5, takes case 2 (ends 2.5): the one free first after day 2 retires (at 2.5);
    # case 0's investigator (free at 3.0) takes case 4; case 3 waited past its deadline (2.3).
    np.testing.assert_array_equal(start, [0.0, 0.5, 1.5, np.nan, 3.0])
    np.testing.assert_array_equal(end, [3.0, 1.5, 2.5, np.nan, 4.0])
    np.testing.assert_array_equal(cold, [np.nan, np.nan, np.nan, 2.3, np.nan])


def test_priority_queue_works_the_largest_loss_first() -> None:
    queue = PriorityQueue(1, stop_day=100.0)
    arrival = np.array([0.0, 0.1, 0.2, 0.3])
    queue.submit(arrival, np.ones(4), np.full(4, 50.0), -np.array([100.0, 10.0, 300.0, 20.0]))
    queue.plan_capacity([(0.0, 1)])
    queue.advance(float("inf"))
    start, _, _ = queue.outcomes()
    np.testing.assert_array_equal(start, [0.0, 3.0, 1.0, 2.0])


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine 'warp'; use one of fast, simpy"):
        get_engine("warp")


def test_funds_table_holds_every_policy_year_with_its_dates() -> None:
    result = simulate(small_scenario(**{"simulation.horizon_days": 730, "insurance.start_day": 181,
                                        "insurance.policy_year_start_day": 181}), replications=2, seed=4)
    funds = result.funds
    assert list(funds.columns) == list(FUNDS_COLUMNS)
    property_years = funds[funds["fund"] == "property"]
    assert property_years.groupby("replication")["policy_year"].apply(list).tolist() == [[0, 1], [0, 1]]
    assert property_years["days_in_run"].tolist() == [365.0, 184.0] * 2  # the second year is partial
    paid = result.events.groupby(["replication", "policy_year"])["paid_yuan"].sum()
    for row in property_years.itertuples():
        assert row.paid_yuan == pytest.approx(paid.get((row.replication, row.policy_year), 0.0))
        assert row.paid_yuan <= row.fund_yuan * (1 + 1e-12)


def test_samaritan_only_scheme_reads_its_budget_for_every_policy_year() -> None:
    """A good-samaritan cover without property cover used to count one policy year in two (share 2.0)."""
    scenario = small_scenario(**{"simulation.horizon_days": 730, "insurance.coverage": {},
                                 "samaritan.budget_yuan": 1_000.0, "samaritan.injuries_per_year": 40.0})
    result = simulate(scenario, replications=3, seed=2)
    whole = result.metrics()
    paid = result.samaritan.groupby("replication")["paid_yuan"].sum()
    np.testing.assert_allclose(whole["samaritan_budget_used_share"], paid / 2_000.0)
    assert (whole["samaritan_budget_used_share"] <= 1.0 + 1e-12).all()
    by_year = result.metrics("policy_year")
    assert (by_year.dropna(subset=["samaritan_budget_used_share"])["samaritan_budget_used_share"] <= 1 + 1e-12).all()
    assert whole["budget_used_share"].isna().all()  # no property scheme, no property budget


def _queue_outcomes(queue_class: str, arrival: np.ndarray, effort: np.ndarray, patience: np.ndarray,
                    priority: np.ndarray, plans: list[tuple[float, int]], stop: float) -> list[np.ndarray]:
    """Start, end and cold days of every case, on a fast queue (by class name) or simpy's ("simpy")."""
    from minsheng_insure.engine import fast
    from minsheng_insure.engine.simpy_engine import Environment, SimpyInvestigationQueue

    env = Environment(initial_time=0.0) if queue_class == "simpy" else None
    queue = SimpyInvestigationQueue(env, 2, stop) if env else getattr(fast, queue_class)(2, stop, 0.0)
    queue.plan_capacity([(0.0, 2)])
    queue.submit(arrival, effort, patience, priority)
    for day, investigators in plans:
        if env:
            env.run(until=env.at(day, priority=0))
        else:
            queue.advance(day)
        queue.plan_capacity([(day, investigators)])
    if env:
        env.run()
    else:
        queue.advance(float("inf"))
    return [np.asarray(part, dtype=float) for part in queue.outcomes()]


def _fast_queue_outcomes(queue_class: str, batches: list[tuple[float, tuple[np.ndarray, ...]]],
                         investigators: int) -> list[np.ndarray]:
    """Start, end and cold days of every case on a fast queue (by class name), each batch of cases
    submitted on its day, as the months' cases are."""
    from minsheng_insure.engine import fast

    queue = getattr(fast, queue_class)(investigators, 1e9, 0.0)
    queue.plan_capacity([(0.0, investigators)])
    for day, cases in batches:
        queue.advance(day)
        queue.submit(*cases)
    queue.advance(float("inf"))
    return [np.asarray(part, dtype=float) for part in queue.outcomes()]


@pytest.mark.parametrize("queue_class", ["FifoQueue", "PriorityQueue"])
def test_fast_queues_take_cases_of_later_batches_by_day_then_id(queue_class: str) -> None:
    """Batches submitted every 10 days with arrivals on whole days up to 25 days on, so that cases of an
    earlier batch still to arrive fall on the same day as a later batch's: the queue takes them as if
    all had come in one batch ordered by day, then id (the earlier batch first). (Simpy's queue takes
    such exact ties in the order their arrivals were scheduled, which only whole-day arrivals meet;
    the engines' random days never tie.)"""
    rng = np.random.default_rng(3)
    for _ in range(200):
        batches = []
        for month in range(4):
            n = int(rng.integers(0, 12))
            arrival = np.sort(10.0 * month + rng.integers(0, 25, n)).astype(float)
            # (Distinct priorities: a tie in priority goes to the smaller id, and ids differ between the two ways.)
            priority = -rng.uniform(0, 3, n) if queue_class == "PriorityQueue" else arrival
            batches.append((10.0 * month, (arrival, rng.uniform(1, 8, n), rng.uniform(0, 15, n), priority)))
        investigators = int(rng.integers(1, 3))
        whole = [np.concatenate(column) for column in zip(*(cases for _, cases in batches), strict=True)]
        order = np.argsort(whole[0], kind="stable")  # by day, then id
        at_once = _fast_queue_outcomes(queue_class, [(0.0, tuple(column[order] for column in whole))], investigators)
        batched = _fast_queue_outcomes(queue_class, batches, investigators)
        for in_batches, in_one in zip(batched, at_once, strict=True):
            np.testing.assert_array_equal(in_batches[order], in_one)


@pytest.mark.parametrize("queue_class", ["FifoQueue", "PriorityQueue"])
def test_fast_queues_follow_simpy_through_capacity_cuts_and_rises(queue_class: str) -> None:
    """Capacity cut while everyone is busy, then raised before they finish: the investigators still on
    their cases stay busy (the slots a cut took come back only when their cases end), as in simpy.
    Two investigators busy until days 100 and 200, one slot from day 10, two from day 20: the third
    case waits until day 100."""
    case = (np.array([0.0, 0.0, 5.0]), np.array([100.0, 200.0, 10.0]), np.full(3, 1e6))
    plans = [(10.0, 1), (20.0, 2)]
    priority = np.array([-3.0, -2.0, -1.0]) if queue_class == "PriorityQueue" else case[0]
    fast_start = _queue_outcomes(queue_class, *case, priority, plans, 1e9)[0]
    assert fast_start.tolist() == [0.0, 0.0, 100.0]
    assert fast_start.tolist() == _queue_outcomes("simpy", *case, priority, plans, 1e9)[0].tolist()
    rng = np.random.default_rng(11)  # and random plans of cuts and rises (400 of them differed before the fix)
    for _ in range(300):
        n = int(rng.integers(1, 30))
        arrival, effort, patience = np.sort(rng.uniform(0, 60, n)), rng.exponential(15, n), rng.exponential(20, n)
        priority = -rng.uniform(0, 5, n) if queue_class == "PriorityQueue" else arrival
        plans = [(float(d), int(rng.integers(0, 4))) for d in np.sort(rng.uniform(1, 60, int(rng.integers(1, 5))))]
        stop = float(rng.choice([1e9, 50.0]))
        ours = _queue_outcomes(queue_class, arrival, effort, patience, priority, plans, stop)
        reference = _queue_outcomes("simpy", arrival, effort, patience, priority, plans, stop)
        assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(ours, reference, strict=True)), plans


@pytest.mark.parametrize("priority", ["fifo", "severity"])
def test_engines_agree_when_accountability_cuts_and_restores_investigators(priority: str) -> None:
    """Long investigations and a controller that adds and withdraws an investigator month by month:
    cuts while everyone is busy, rises before they finish (the fast engine differed in 18 of 60 such
    runs by severity, 9 by arrival, before its queues kept the busy investigators a cut set aside)."""
    for seed in range(12):
        effort = [30, 45, 60][seed % 3]
        data = small_data(**{
            "investigation.priority": priority, "simulation.horizon_days": 730,
            "investigation.effort_days": {"burglary": {"dist": "fixed", "value": effort},
                                          "cattle": {"dist": "exponential", "mean": effort},
                                          "fraud": {"dist": "fixed", "value": effort}},
            "investigation.cold_after_days": {"dist": "exponential", "mean": 300},
            "accountability": {"enabled": True, "target_clearance_rate": [0.1, 0.2, 0.3, 0.4][seed % 4],
                               "gain_investigators": 1.0, "max_extra_investigators": 3, "window_months": 1}})
        for crime_type in data["crime_types"].values():
            crime_type["rate_per_1000_households_per_year"] *= 2
        fast, reference = both(Scenario.model_validate(data), seed, 1)
        assert differences(fast, reference) == [], seed


def test_a_finished_fast_run_leaves_nothing_for_the_garbage_collector() -> None:
    """A run in a reference cycle waits for the collector, which then walks its case lists (a few ms
    a county-year) and keeps them in memory meanwhile: a run must be freed the moment it returns."""
    scenario, engine = small_scenario(), get_engine("fast")
    engine.run(scenario, 1, 0)  # imports and caches made once
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        engine.run(scenario, 1, 1)
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_replications_share_no_state(engine: str) -> None:
    """Replications of one scenario share its rules and county (made once, ``engine.county``), never
    what a run changes: a replication gives the same output run first or after others. Here
    replications 1 and 2 end the cover at their first renewal and replication 0 keeps it (staged
    fraud reads the owners sorted by awareness, and the budget runs out)."""
    scenario = small_scenario(**{"simulation.horizon_days": 800, "insurance.renewal": "stop",
                                 "insurance.target_loss_ratio": 3.0, "insurance.budget_yuan": 20_000.0,
                                 "fraud.staged_per_1000_insured_aware_per_year": 20.0})
    runner = get_engine(engine)
    first = runner.run(scenario.model_copy(), 5, 0)  # a fresh object: nothing made for it yet
    assert first.funds["in_force"].all()
    for replication in (1, 2):
        assert not runner.run(scenario, 5, replication).funds["in_force"].all()
    assert differences(runner.run(scenario, 5, 0), first) == []
    # Another seed is another county, even for the same scenario object.
    assert differences(runner.run(scenario, 6, 0), runner.run(scenario.model_copy(), 6, 0)) == []


def test_rules_made_once_are_looked_up_safely_from_threads() -> None:
    """Replications may run on threads (a Dask worker's): looking up the rules made once for a
    scenario while another thread adds some must not fail (it raised "deque mutated during
    iteration" before the lookup read a copy)."""
    scenarios = [small_scenario(**{"county.households": 50 + i}) for i in range(8)]
    errors: list[BaseException] = []
    stop = time.monotonic() + 2.0

    def look_up(first: int) -> None:
        i = first
        while time.monotonic() < stop and not errors:
            try:
                _county_rules(scenarios[i % len(scenarios)], 1)
            except RuntimeError as error:
                errors.append(error)
            i += 3

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=look_up, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []


def test_a_county_without_asset_classes_runs_on_both_engines() -> None:
    """Crimes against households only (no asset class to own, value or cover): nothing is insured, no loss
    is bounded by an asset's value, and the engines agree (both once failed on an empty asset table)."""
    data = small_data()
    data["county"]["assets"] = {}
    data["insurance"]["coverage"] = {}
    data["crime_types"] = {"fraud": data["crime_types"]["fraud"], "assault": {
        "rate_per_1000_households_per_year": 30, "loss_yuan": {"dist": "exponential", "mean": 500}}}
    for table in (data["reporting"]["intercept"], data["registration"]["probability"],
                  data["investigation"]["clearance_probability"]):
        table["assault"] = table.pop("burglary")
        table.pop("cattle")
    data["investigation"]["effort_days"] = {"fraud": {"dist": "fixed", "value": 5},
                                            "assault": {"dist": "exponential", "mean": 3}}
    fast, reference = both(Scenario.model_validate(data))
    assert fast.events["incident_id"].size > 0 and not fast.events["insured"].any()
    assert differences(fast, reference) == []
