"""What runs produce: the event log, metrics per replication, statistics, comparisons, saving and loading."""

__all__ = ["comparison", "costs", "events", "io", "metrics", "registry", "result", "stats"]
