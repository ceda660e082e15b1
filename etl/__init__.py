"""The ETL: read a release's source tables, validate them, load them atomically into a new
warehouse snapshot. Loading never makes anything public; the gate decides that."""
