"""The public site: a Dash application (pages, components, thin callbacks) and the HTTP routes on
its Flask server (API, downloads, feeds). Everything public goes through `warehouse.gate`."""
