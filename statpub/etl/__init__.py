"""The ETL: read a release's source tables, validate them, load them atomically into a new
warehouse snapshot. Loading never makes anything public; the gate decides that."""

# The top-level `etl/` folder of the repository is a link to this package: it must only ever
# be imported as `statpub.etl`, never as `etl` (one module, one name).
if __name__ != "statpub.etl":
    raise ImportError("import statpub.etl, not etl")
