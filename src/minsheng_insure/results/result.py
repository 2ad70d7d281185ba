"""What a run returns: the event log, and metrics and summaries derived from it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import DAYS_PER_YEAR, day_to_date
from minsheng_insure.results.metrics import (
    complete_groups,
    compute_metrics,
    event_parts,
    normalise_by,
    with_complete,
)
from minsheng_insure.results.stats import mean_ci, paired_changes
from minsheng_insure.scenario.schema import Scenario


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of ``simulate``: replications of one scenario from one seed."""

    scenario: Scenario
    seed: int
    replications: int
    events: pd.DataFrame
    """One row per incident (and staged report) per replication; see ``model.codebook.EVENT_COLUMNS``."""
    samaritan: pd.DataFrame
    """One row per good-samaritan injury per replication; see ``model.codebook.SAMARITAN_COLUMNS``."""
    timeline: pd.DataFrame
    """The state at the start of each month: investigators, awareness, mean trust, pressure, rate scales;
    and what the month used: its days, officers, camera coverage, added investigator-days (``model.costs``)."""
    funds: pd.DataFrame
    """One row per fund, policy year and replication; see ``model.codebook.FUNDS_COLUMNS``."""
    _cache: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Metrics and summaries already computed, by kind and grouping columns: every table, plot and
    comparison asks for the same few, and each costs a pass over the event log. The event log is
    not to be changed after the result is made."""

    def __repr__(self) -> str:
        """One line: the scenario, the replications and seed, and the size of each table (the default
        repr would print every table, tens of kilobytes)."""
        return (f"SimulationResult(scenario={self.scenario.name!r}, replications={self.replications}, "
                f"seed={self.seed}, events={len(self.events):,} rows, timeline={len(self.timeline):,} rows, "
                f"funds={len(self.funds):,} rows)")

    def _repr_html_(self) -> str:
        """A notebook's view: the headline metrics with 95% CIs (``report.notebook``)."""
        from minsheng_insure.report.notebook import result_html  # presentation lives in report/

        return result_html(self)

    def metrics(self, by: str | list[str] | None = None, counted_by: str = "incident") -> pd.DataFrame:
        """Per-replication metrics, optionally by year, quarter, month, policy_year, crime_type,
        asset_class or township (several may be combined). ``counted_by="event"`` puts each count in
        the period of its own date (reports by report date...), as counties count; the default puts
        every figure in its incident's period."""
        return self._metrics(normalise_by(by), counted_by).copy()  # a copy: callers may change what they get

    def summary(self, by: str | list[str] | None = None, counted_by: str = "incident") -> pd.DataFrame:
        """Mean and 95% confidence interval of every metric across replications, in long form;
        ``complete`` says whether the group is complete in every replication (``metrics.COMPLETENESS``)."""
        keys = normalise_by(by)
        key = ("summary", counted_by, *keys)
        if key not in self._cache:
            metrics = self._metrics(keys, counted_by)
            self._cache[key] = with_complete(mean_ci(metrics.drop(columns="replication"), keys), keys,
                                             complete_groups(metrics, keys))
        return self._cache[key].copy()

    def _metrics(self, keys: list[str], counted_by: str = "incident") -> pd.DataFrame:
        """The metrics by the normalised grouping columns ``keys``, computed once; the cached frame itself."""
        key = ("metrics", counted_by, *keys)
        if key not in self._cache:
            self._cache[key] = compute_metrics(self.events, self.scenario, keys, self.samaritan, self.funds,
                                               counted_by, self.timeline, self._parts())
        return self._cache[key]

    def _parts(self) -> pd.DataFrame:
        """What each event adds to each summed metric (``metrics.event_parts``), worked out once."""
        if ("parts",) not in self._cache:
            self._cache[("parts",)] = event_parts(self.events)
        return self._cache[("parts",)]

    def on_calendar(self, other: Scenario) -> SimulationResult:
        """This result grouped on ``other``'s policy years, to compare like with like by policy year.

        A baseline without a scheme has calendar years as policy years; set against a scheme whose
        years run from July, its figures are computed over the scheme's windows instead (each incident
        in the policy year its day falls in on ``other``'s calendar). Budget figures belong to a fund's
        own policy years, so they are left out when the calendars differ (the result's own summary
        keeps them). The same result when the calendars already agree.
        """
        mine, theirs = self.scenario.insurance, other.insurance
        calendar = {"start_day": theirs.start_day, "policy_year_start_day": theirs.policy_year_start_day}
        if calendar == {"start_day": mine.start_day, "policy_year_start_day": mine.policy_year_start_day}:
            return self
        scenario = self.scenario.model_copy(update={"insurance": mine.model_copy(update=calendar)})
        aligned = SimulationResult(scenario, self.seed, self.replications, self.events, self.samaritan,
                                   self.timeline, self.funds.iloc[0:0])
        aligned._cache[("parts",)] = self._parts()  # the same events: what each adds does not change
        return aligned

    def payout_curve(self, step_days: float = 7.0) -> pd.DataFrame:
        """Cumulative payout within each policy year, mean and 95% CI across replications, every ``step_days``."""
        paid = self.events.loc[self.events["paid_yuan"] > 0, ["replication", "policy_year", "paid_day", "paid_yuan"]]
        rows = []
        for year, block in paid.groupby("policy_year"):
            start = self.scenario.insurance.policy_year_end(int(year)) - 365
            grid = np.arange(max(start, self.scenario.insurance.start_day),
                             block["paid_day"].max() + step_days, step_days)
            curves = np.zeros((self.replications, grid.size))
            for rep, rep_block in block.groupby("replication"):
                order = np.argsort(rep_block["paid_day"].to_numpy())
                days = rep_block["paid_day"].to_numpy()[order]
                cumulative = np.cumsum(rep_block["paid_yuan"].to_numpy()[order])
                at = np.searchsorted(days, grid, side="right")
                curves[rep] = np.where(at > 0, cumulative[np.maximum(at - 1, 0)], 0.0)
            frame = pd.DataFrame(curves, columns=grid)
            summary = mean_ci(frame.melt(var_name="day", value_name="payout_yuan"), ["day"])
            rows.append(summary.assign(policy_year=int(year)))
        columns = ["policy_year", "day", "mean", "ci_low", "ci_high", "n"]
        return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)

    def policy_years(self) -> pd.DataFrame:
        """The property scheme's policy years with calendar dates: premium, incurred and paid claims,
        loss ratio (incurred / premium), share of valid claims paid, how often and when (mean date
        over the replications where it happened) the fund or the insurer's cap ran out (nothing for a
        fund of 0, which has nothing to run out of), and the result (insurer: premium less loading less
        paid; county fund: what is left). Money in yuan, means over replications, read from ``funds``."""
        rows = self.funds[self.funds["fund"] == "property"]
        grouped = rows.groupby("policy_year")
        exhausted_day = grouped["exhausted_day"]
        funded = grouped["fund_yuan"].mean() > 0  # a fund of 0 has nothing to run out of
        table = pd.DataFrame({
            "premium_yuan": grouped["budget_yuan"].mean(), "incurred_yuan": grouped["approved_yuan"].mean(),
            "paid_yuan": grouped["paid_yuan"].mean(), "claims_decided": grouped["claims_decided"].mean(),
            "claims_paid": grouped["claims_paid"].mean(), "claims_refused": grouped["claims_refused"].mean(),
            "ran_out_share": exhausted_day.apply(lambda d: d.notna().mean()).where(funded),
            "result_yuan": grouped["result_yuan"].mean(), "days_in_run": grouped["days_in_run"].first(),
        })
        table["loss_ratio"] = table["incurred_yuan"] / table["premium_yuan"].where(table["premium_yuan"] > 0)
        table["valid_claims_paid_share"] = table["claims_paid"] / table["claims_decided"].where(
            table["claims_decided"] > 0)
        year = self.scenario.simulation.start_year
        dates = grouped[["start_day", "end_day"]].first()
        table.insert(0, "start_date", [day_to_date(d, year) for d in dates["start_day"]])
        table.insert(1, "end_date", [day_to_date(d - 1, year) for d in dates["end_day"]])
        table["ran_out_date"] = [None if np.isnan(d) else day_to_date(d, year)
                                 for d in exhausted_day.mean().where(funded)]
        table["partial"] = table.pop("days_in_run") < DAYS_PER_YEAR
        return table.reset_index()

    def period_change(self, period: str = "quarter", counted_by: str = "incident") -> pd.DataFrame:
        """Year-on-year change of every metric for each period (``quarter``, ``month`` or ``year``).

        Each row compares a period with the same period a year before, within this run and paired
        by replication (e.g. 2017 Q1 against 2016 Q1), as counties report their figures (with
        ``counted_by="event"``, each count by the date of its own event, as counties count).
        ``year_before`` is the year before, ``this_year`` the year named in the row; ``complete`` is
        true when both periods are complete in every replication (``metrics.COMPLETENESS``).
        """
        if period not in ("quarter", "month", "year"):
            raise ValueError(f"period must be quarter, month or year, got {period!r}")
        keys = normalise_by(period)
        current = self.metrics(period, counted_by)
        previous = current.assign(year=current["year"] + 1)
        years = sorted(set(current["year"]) & set(previous["year"]))
        previous, current = previous[previous["year"].isin(years)], current[current["year"].isin(years)]
        table = with_complete(paired_changes(previous, current, keys), keys, complete_groups(previous, keys),
                              complete_groups(current, keys))
        return table.rename(columns={"baseline": "year_before", "scenario": "this_year"})


def policy_year_days(year: int, scenario: Scenario) -> tuple[float, float]:
    """The first day of policy year ``year`` and the day after its last (-1: the days before the scheme);
    the first policy year starts with the scheme, however late in its year."""
    ins = scenario.insurance
    if year < 0:
        return 0.0, ins.start_day
    end = ins.policy_year_end(year)
    return max(end - DAYS_PER_YEAR, ins.start_day), end
