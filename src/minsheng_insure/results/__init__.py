"""What runs produce: the event log, metrics per replication, statistics, comparisons
(of one scenario or a ladder of several), saving and loading."""

__all__ = ["comparison", "costs", "events", "io", "ladder", "metrics", "registry", "result", "stats"]
