"""The public site: a Dash application (pages, components, thin callbacks) and the HTTP routes on
its Flask server (API, downloads, feeds). Everything public goes through `warehouse.gate`."""

# The top-level `dashboards/` folder of the repository is a link to this package: it must only ever
# be imported as `statpub.dashboards`, never as `dashboards` (one module, one name).
if __name__ != "statpub.dashboards":
    raise ImportError("import statpub.dashboards, not dashboards")
