"""Running the site under gunicorn. Each worker builds the app after the fork, so each opens its
own read-only warehouse connection and follows snapshot swaps by itself."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


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


def run_gunicorn(host: str, port: int, workers: int, threads: int, bind: str | None = None) -> int:
    """gunicorn on host:port, or on `bind` (e.g. `unix:/path`, behind the front statpub serve owns)."""
    StatpubServer({
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
