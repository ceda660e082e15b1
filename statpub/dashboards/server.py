"""Running the site under gunicorn. Each worker builds the app after the fork, so each opens its
own read-only warehouse connection and follows snapshot swaps by itself. The code they all run is
imported once, in the master, before the fork: the workers share those pages instead of each
holding its own copy (about 150 MB of libraries and modules per worker)."""

from __future__ import annotations

import gc
import importlib
from importlib.metadata import entry_points

from gunicorn.app.base import BaseApplication

from statpub.kernel.jobs import ENTRY_POINTS

# Imported by the master for the workers (nothing here opens a file, a connection or a thread).
# PIL.Image too, though no page needs it: plotly's JSON encoder (every Dash callback's answer) takes
# `sys.modules["PIL.Image"]` without importing it, so while one thread of a worker imports Pillow for
# the first time (an XLSX, a pack), another thread's callback found the module half made and answered
# 500 ("partially initialized module 'PIL.Image' has no attribute 'Image'", a catalogue sweep).
SHARED_MODULES = ("pandas", "pyarrow.compute", "duckdb", "plotly.graph_objects", "dash", "PIL.Image",
                  "statpub.dashboards.app", "statpub.dashboards.requestlog")


class StatpubServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from statpub.dashboards.app import create_app
        from statpub.dashboards.requestlog import RequestLog
        from statpub.kernel import logs

        logs.configure()
        server = create_app().server
        return RequestLog(server, server.url_map)


def import_for_workers() -> None:
    """Import the workers' code (the site, its features, the libraries they use) and warm plotly's
    validators in the master, then keep those objects out of the garbage collector's reach so
    that its scans do not copy the shared pages into every worker."""
    for name in SHARED_MODULES:
        importlib.import_module(name)
    for feature in entry_points(group=ENTRY_POINTS):
        feature.load()
    from statpub.dashboards.components import charts

    charts.warm_up()
    gc.freeze()


def run_gunicorn(host: str, port: int, workers: int, threads: int, bind: str | None = None) -> int:
    """gunicorn on host:port, or on `bind` (e.g. `unix:/path`, behind the front statpub serve owns)."""
    StatpubServer({
        # Once the socket listens (connections wait in its backlog instead of being refused while
        # the master imports) and before the first worker is forked.
        "when_ready": lambda _arbiter: import_for_workers(),
        "bind": bind or f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": False,
        "accesslog": None,  # statpub logs each request itself, as JSON (dashboards/requestlog.py)
        "timeout": 60,
        "graceful_timeout": 10,
    }).run()
    return 0
