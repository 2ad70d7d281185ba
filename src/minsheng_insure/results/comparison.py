"""Paired comparison of two results run with common random numbers (see ``results.stats.paired_changes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import day_to_date
from minsheng_insure.results.metrics import complete_groups, normalise_by, with_complete
from minsheng_insure.results.result import policy_year_days
from minsheng_insure.results.stats import paired_changes, ratio_of_means

if TYPE_CHECKING:
    from minsheng_insure.results.result import SimulationResult


@dataclass(frozen=True)
class Comparison:
    """A scenario against a baseline; both share seed and replication count."""

    baseline: SimulationResult
    scenario: SimulationResult
    _tables: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Tables already computed, by grouping columns: every table and plot asks for the same few."""

    def __repr__(self) -> str:
        return (f"Comparison(baseline={self.baseline.scenario.name!r}, scenario={self.scenario.scenario.name!r}, "
                f"replications={self.scenario.replications}, seed={self.scenario.seed})")

    def _repr_html_(self) -> str:
        """A notebook's view: the headline metrics of both sides and the paired % change with 95% CIs."""
        from minsheng_insure.report.notebook import comparison_html  # presentation lives in report/

        return comparison_html(self)

    def table(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per metric (and group): both means, the paired difference and % change with 95% CIs;
        ``complete`` where the group is complete in both runs (``metrics.COMPLETENESS``).

        By policy year, the baseline is grouped on the scenario's policy years (``on_calendar``), so a
        July-June policy year is set against the same twelve months of the baseline.
        """
        keys = normalise_by(by)
        key = tuple(keys)
        if key not in self._tables:
            base, scen = self._baseline_for(keys)._metrics(keys), self.scenario._metrics(keys)
            self._tables[key] = with_complete(paired_changes(base, scen, keys), keys, complete_groups(base, keys),
                                              complete_groups(scen, keys))
        return self._tables[key].copy()  # a copy: a caller's change must not reach the next caller

    @cached_property
    def _aligned_baseline(self) -> SimulationResult:
        return self.baseline.on_calendar(self.scenario.scenario)

    def _baseline_for(self, keys: list[str]) -> SimulationResult:
        """The baseline as compared by ``keys``: on the scenario's policy years when they group by one."""
        return self._aligned_baseline if "policy_year" in keys else self.baseline

    def policy_years(self) -> pd.DataFrame:
        """The planner's answer per policy year of the scheme (and the months before it, ``policy_year``
        -1, when the run has them), with calendar dates: premium, claims filed, paid and refused, the
        share of valid claims paid, loss ratio, when the fund ran out; reported and cleared cases
        against the baseline (% change, 95% CI); and per extra reported and per extra cleared case,
        the premium (``premium_per_extra_*``; for a policy year the run ends inside, the premium of
        the months in the run, pro rata) and the extra full cost (``cost_per_extra_*``: the scheme's
        full cost less the baseline's police costs), yuan, with 95% CIs.
        Means over replications; computed from the tables by policy year, once (the terminal, the
        files and the report all show it)."""
        if ("_policy_years",) not in self._tables:
            self._tables[("_policy_years",)] = self._policy_years()
        return self._tables[("_policy_years",)].copy()

    def _policy_years(self) -> pd.DataFrame:
        table = self.table("policy_year").set_index(["policy_year", "metric"])
        funds = self.scenario.policy_years().set_index("policy_year")
        base = self._baseline_for(["policy_year"]).metrics("policy_year").set_index(["replication", "policy_year"])
        scen = self.scenario.metrics("policy_year").set_index(["replication", "policy_year"])
        extra = scen.reindex(base.index) - base
        start_year = self.scenario.scenario.simulation.start_year
        rows = []
        for year in sorted(table.index.get_level_values("policy_year").unique()):
            start, end = policy_year_days(year, self.scenario.scenario)
            run_end = min(end, self.scenario.scenario.simulation.horizon_days)
            in_run = (run_end - start) / (end - start)  # a policy year the run ends inside pays pro rata
            row: dict[str, object] = {"policy_year": year, "start_date": day_to_date(start, start_year),
                                      "end_date": day_to_date(end - 1, start_year),
                                      "run_end_date": day_to_date(run_end - 1, start_year)}
            for metric in ("claims_filed", "claims_paid", "claims_denied", "payout_yuan"):
                row[metric] = table.loc[(year, metric), "scenario"]
            for name in ("premium_yuan", "loss_ratio", "valid_claims_paid_share", "ran_out_share", "ran_out_date",
                         "partial"):
                row[name] = funds.loc[year, name] if year in funds.index else None
            for metric in ("reported", "cleared"):
                found = table.loc[(year, metric)]
                row[f"{metric}_baseline"], row[metric] = found["baseline"], found["scenario"]
                for col in ("change_pct", "change_pct_ci_low", "change_pct_ci_high"):
                    row[f"{metric}_{col}"] = found[col]
                gained = extra.xs(year, level="policy_year")[metric].to_numpy(float)
                premium = scen.xs(year, level="policy_year").get("premium_yuan")
                for name, spent in (("premium", None if premium is None else premium * in_run),
                                    ("cost", extra.xs(year, level="policy_year")["scheme_cost_yuan"])):
                    spent = np.full(gained.size, np.nan) if spent is None else spent.to_numpy(float)
                    row[f"{name}_per_extra_{metric}"], row[f"{name}_per_extra_{metric}_ci_low"], \
                        row[f"{name}_per_extra_{metric}_ci_high"] = ratio_of_means(spent, gained)
            row["n"] = int(table.loc[(year, "reported"), "n"])
            rows.append(row)
        return pd.DataFrame(rows)
