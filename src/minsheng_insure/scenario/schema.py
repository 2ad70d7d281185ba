"""The scenario: what is simulated, composed of the parameter models each stage reads."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from minsheng_insure.model.accountability import AccountabilityParams
from minsheng_insure.model.awareness import AwarenessParams
from minsheng_insure.model.belief import BeliefParams
from minsheng_insure.model.campaigns import Campaign
from minsheng_insure.model.costs import CostParams
from minsheng_insure.model.deterrence import DeterrenceParams
from minsheng_insure.model.fraud import FraudParams
from minsheng_insure.model.incidents import CrimeType
from minsheng_insure.model.insurance import InsuranceParams
from minsheng_insure.model.params import NonNegative, Params, Positive
from minsheng_insure.model.policing import InvestigationParams
from minsheng_insure.model.population import PopulationParams
from minsheng_insure.model.recovery import RecoveryParams
from minsheng_insure.model.registration import RegistrationParams
from minsheng_insure.model.reporting import ReportingParams
from minsheng_insure.model.samaritan import SamaritanParams
from minsheng_insure.model.trust import TrustParams
from minsheng_insure.results.registry import METRICS
from minsheng_insure.scenario.errors import ReferenceProblems

MAX_HORIZON_DAYS = 36_525
"""A century: the monthly review and the event log grow with the horizon."""
MAX_HOUSEHOLDS = 5_000_000
"""Asset values for every household and class are held per replication: beyond this a replication's
arrays outgrow the 24 GiB of the 2-core machine the simulator is sized for."""
MAX_INCIDENTS = 5_000_000
"""Expected incidents in one replication; each takes about 1 KiB while simulated, so more than this
does not fit a 24 GiB machine running a replication per core."""
DATE_LIKE_DAY = 10_000
"""A day number this large is almost always a date typed as 20160701."""


class SimulationParams(Params):
    """Time frame of a run (scenario key ``simulation``)."""

    start_year: int = Field(2016, ge=1900, le=2200, description="Calendar year that day 0 (1 January) falls in.")
    horizon_days: Positive = Field(365.0, description="Length of a run, days.")
    follow_up_days: NonNegative = Field(
        365.0, description="Days the run goes on after the horizon, without new incidents, so that the horizon's "
                           "incidents are reported, investigated and cleared or dropped; a period whose cases are "
                           "still open when it ends is flagged incomplete (metric 'complete').")
    warm_up_days: NonNegative = Field(
        0.0, description="Days simulated before day 0, in the county's state before any scheme, so that the run "
                         "starts with the police queue and the late reports and clearances of earlier incidents "
                         "under way; their incidents stay in the event log (negative incident_day) but count in "
                         "no period, and their events dated from day 0 on count in their periods when counted "
                         "by event. 0 starts the run empty, and its first periods counted by event are "
                         "incomplete.")

    @property
    def stop_day(self) -> float:
        """The day the clock stops: the horizon plus the follow-up."""
        return self.horizon_days + self.follow_up_days


class ReportedFigure(Params):
    """A change the county or the press reported for the scheme, shown beside the simulated one
    (scenario key ``reported_figures``, a list): data about the scenario, not a parameter of it."""

    metric: str = Field(description="The metric it describes, e.g. reported or cleared (docs/event-log.md).")
    period: str = Field(pattern=r"^[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$",
                        description="The period against the same period a year before: 2017Q1, 2017-03 or 2017.")
    change_pct: float = Field(description="The reported change against the same period a year before, %.")
    source: str = Field(min_length=1, description="Where it was reported, quoted.")


class Scenario(Params):
    """A complete scenario: county, crime, police and scheme. Build it with ``load_scenario``."""

    name: str = Field(description="Short name shown in tables.")
    description: str = Field("", description="What the scenario represents.")
    simulation: SimulationParams = Field(default_factory=SimulationParams)
    county: PopulationParams
    crime_types: dict[str, CrimeType] = Field(min_length=1)
    reporting: ReportingParams
    registration: RegistrationParams
    investigation: InvestigationParams
    recovery: RecoveryParams = Field(default_factory=RecoveryParams)
    insurance: InsuranceParams = Field(default_factory=InsuranceParams)
    awareness: AwarenessParams = Field(default_factory=AwarenessParams)
    trust: TrustParams = Field(default_factory=TrustParams)
    belief: BeliefParams = Field(default_factory=BeliefParams)
    deterrence: DeterrenceParams = Field(default_factory=DeterrenceParams)
    accountability: AccountabilityParams = Field(default_factory=AccountabilityParams)
    campaigns: list[Campaign] = Field(default_factory=list, description="Campaign windows (专项行动).")
    fraud: FraudParams = Field(default_factory=FraudParams)
    samaritan: SamaritanParams = Field(default_factory=SamaritanParams)
    costs: CostParams = Field(default_factory=CostParams)
    provenance: dict[str, str] = Field(
        default_factory=dict, description="Dotted parameter key -> source, or 'assumption: why'."
    )
    reported_figures: list[ReportedFigure] = Field(
        default_factory=list, description="Year-on-year changes reported for this scheme, shown beside the "
                                          "simulated ones (counted, like a county's, by each event's date)."
    )

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = _reference_problems(self)
        if problems:
            raise ReferenceProblems(problems)
        return self

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new validated scenario with dotted keys replaced, e.g. ``{"insurance.budget_yuan": 2e6}``."""
        from minsheng_insure.scenario.loading import apply_overrides

        return apply_overrides(self, overrides)

    @property
    def crime_type_names(self) -> tuple[str, ...]:
        return tuple(self.crime_types)


def _reference_problems(s: Scenario) -> list[tuple[str, str, str]]:
    """Keys that name crime types or asset classes the scenario does not define."""
    types = set(s.crime_types)
    assets = set(s.county.assets)
    problems: list[tuple[str, str, str]] = []
    for name, ct in s.crime_types.items():
        if ct.asset is not None and ct.asset not in assets:
            problems.append((f"crime_types.{name}.asset", f"unknown asset class '{ct.asset}'",
                             f"use one of {sorted(assets)} (defined under county.assets) or leave it out"))
    per_type = {
        "reporting.intercept": s.reporting.intercept,
        "registration.probability": s.registration.probability,
        "investigation.effort_days": s.investigation.effort_days,
        "investigation.clearance_probability": s.investigation.clearance_probability,
    }
    for key, table in per_type.items():
        for missing in sorted(types - set(table)):
            problems.append((f"{key}.{missing}", "missing value for this crime type",
                             f"give every crime type a value under {key}"))
        for unknown in sorted(set(table) - types):
            problems.append((f"{key}.{unknown}", "unknown crime type",
                             f"use one of {sorted(types)} (defined under crime_types)"))
    if s.awareness.half_time_days is not None and s.awareness.initial_share >= s.insurance.awareness_share / 2:
        problems.append(("awareness.initial_share", "must be below half of insurance.awareness_share for a ramp",
                         f"use a value below {s.insurance.awareness_share / 2}, or leave half_time_days out"))
    for i, campaign in enumerate(s.campaigns):
        for name in sorted(set(campaign.crime_types) - types):
            problems.append((f"campaigns.{i}.crime_types", f"unknown crime type '{name}'",
                             f"use names from {sorted(types)}"))
    if "false_report" in types:
        problems.append(("crime_types.false_report", "the name is reserved for staged reports (fraud)",
                         "give the crime type another name"))
    for asset in sorted(set(s.insurance.coverage) - assets):
        problems.append((f"insurance.coverage.{asset}", "unknown asset class",
                         f"use one of {sorted(assets)} (defined under county.assets)"))
    problems += _size_problems(s) + _timing_problems(s)
    for asset, cover in sorted(s.insurance.coverage.items()):
        if cover.per_claim_limit_yuan is not None and cover.deductible_yuan > cover.per_claim_limit_yuan:
            problems.append((f"insurance.coverage.{asset}.deductible_yuan",
                             f"deductible {cover.deductible_yuan:g} is above the per-claim limit "
                             f"{cover.per_claim_limit_yuan:g}, so no claim could ever be paid",
                             "lower the deductible or raise per_claim_limit_yuan"))
    for asset, cover in s.insurance.coverage.items():
        for name in sorted(set(cover.excluded_crime_types) - types):
            problems.append((f"insurance.coverage.{asset}.excluded_crime_types", f"unknown crime type '{name}'",
                             f"use names from {sorted(types)}"))
    for i, figure in enumerate(s.reported_figures):
        if figure.metric not in METRICS:
            problems.append((f"reported_figures.{i}.metric", f"unknown metric '{figure.metric}'",
                             "use a metric name from docs/event-log.md, e.g. reported or cleared"))
    known = parameter_keys(s)
    for key in sorted(s.provenance):
        if not any(k == key or k.startswith(key + ".") for k in known):
            problems.append((f"provenance.{key}", "names no parameter of this scenario",
                             "use the dotted key of a parameter, e.g. insurance.budget_yuan"))
    return problems


def parameter_keys(scenario: Scenario) -> list[str]:
    """Dotted keys of every numeric, boolean or text parameter (not name, description, provenance or the
    reported figures)."""
    data = scenario.model_dump(exclude={"name", "description", "provenance", "reported_figures"})
    keys: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        else:
            keys.append(prefix)

    walk("", data)
    return keys


def _size_problems(s: Scenario) -> list[tuple[str, str, str]]:
    """Sizes that would hang or exhaust the memory of the machine the simulator is sized for."""
    machine = "more than a 2-core 24 GiB machine can run"
    problems = []
    horizon = s.simulation.horizon_days
    if horizon > MAX_HORIZON_DAYS:
        problems.append(("simulation.horizon_days", f"{horizon:g} days is {machine}",
                         f"use at most {MAX_HORIZON_DAYS} days (100 years)"))
    if s.simulation.warm_up_days > MAX_HORIZON_DAYS:
        problems.append(("simulation.warm_up_days", f"{s.simulation.warm_up_days:g} days is {machine}",
                         f"use at most {MAX_HORIZON_DAYS} days (100 years); a year or less is enough"))
    if s.county.households > MAX_HOUSEHOLDS:
        problems.append(("county.households", f"{s.county.households:,} households is {machine}",
                         f"use at most {MAX_HOUSEHOLDS:,} households"))
    elif horizon <= MAX_HORIZON_DAYS and s.simulation.warm_up_days <= MAX_HORIZON_DAYS:
        rate = sum(ct.rate_per_1000_households_per_year for ct in s.crime_types.values())
        expected = rate / 1000 * s.county.households * (s.simulation.warm_up_days + horizon) / 365
        if expected > MAX_INCIDENTS:
            problems.append(("county.households", f"with these crime rates and horizon, about {expected:,.0f} "
                             f"incidents per replication is {machine}",
                             f"keep households x rates x years below {MAX_INCIDENTS:,} incidents (fewer households, "
                             "a shorter simulation.horizon_days or lower rates)"))
    return problems


def _timing_problems(s: Scenario) -> list[tuple[str, str, str]]:
    """Start days at or past the end of the run: the mechanism would silently never act."""
    horizon = s.simulation.horizon_days
    starts = []
    if s.insurance.coverage:
        starts.append(("insurance.start_day", s.insurance.start_day))
    if s.accountability.enabled:
        starts.append(("accountability.start_day", s.accountability.start_day))
    starts += [(f"campaigns.{i}.start_day", c.start_day) for i, c in enumerate(s.campaigns)]
    problems = []
    for key, day in starts:
        if day >= horizon:
            date = (" (it looks like a date; days count from 1 January of simulation.start_year)"
                    if day >= DATE_LIKE_DAY else "")
            problems.append((key, f"day {day:g} is at or after the end of the run (day {horizon:g}){date}",
                             f"use a day below simulation.horizon_days = {horizon:g}, or lengthen the run"))
    return problems
