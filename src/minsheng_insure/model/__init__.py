"""The model's parameters and rules, one module per stage or mechanism (population, incidents,
reporting, registration, policing, recovery, insurance, and the feedbacks that move them)."""

__all__ = ["accountability", "awareness", "belief", "calendar", "campaigns", "cases", "codebook", "costs", "deterrence",
           "distributions", "feedback", "fraud", "incidents", "insurance", "params", "policing", "population",
           "recovery", "registration", "reporting", "samaritan", "trust"]
