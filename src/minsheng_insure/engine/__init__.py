"""Running the model: random streams per replication and stage, one replication, and the runner over many."""

__all__ = ["replication", "runner", "streams"]
