"""The DuckDB warehouse: schema and migrations, versioned snapshots, and the one public gate."""
