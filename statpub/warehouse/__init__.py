"""The DuckDB warehouse: schema and migrations, versioned snapshots, and the one public gate."""

# The top-level `warehouse/` folder of the repository is a link to this package: it must only ever
# be imported as `statpub.warehouse`, never as `warehouse` (one module, one name).
if __name__ != "statpub.warehouse":
    raise ImportError("import statpub.warehouse, not warehouse")
