"""The model's parameters and rules, one module per stage or mechanism (population, incidents,
reporting, registration, policing, recovery, insurance, and the feedbacks that move them)."""

__all__ = ["accountability", "awareness", "calendar", "campaigns", "deterrence", "distributions", "fraud", "incidents",
           "insurance", "params", "policing", "population", "recovery", "registration", "reporting", "samaritan",
           "scheduling", "trust"]
