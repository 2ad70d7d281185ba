"""What runs produce: the event log, metrics per replication, statistics, comparisons, saving and loading."""

__all__ = ["comparison", "events", "io", "metrics", "registry", "result", "stats"]
