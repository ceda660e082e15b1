"""Helpers for tests: running the CLI and the server as real processes, building content roots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from statpub.kernel.config import Settings
from tests.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(settings: Settings | None = None, now: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATPUB_")}
    env["PYTHONPATH"] = str(REPO_ROOT)  # the code under test, whatever is installed
    if settings is not None:
        env["STATPUB_ROOT"] = str(settings.root)
        env["STATPUB_WAREHOUSE"] = str(settings.warehouse_dir)
        if settings.database_url:
            env["STATPUB_DATABASE_URL"] = settings.database_url
        if settings.base_url_override:
            env["STATPUB_BASE_URL"] = settings.base_url_override
    if now is not None:
        env["STATPUB_NOW"] = now
    env.update(extra)
    return env


def run_cli(*args: str, settings: Settings | None = None, now: str | None = None,
            input_text: str | None = None, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "statpub", *args], env=cli_env(settings, now, **extra),
                          capture_output=True, text=True, input=input_text, timeout=timeout, cwd=REPO_ROOT)


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(settings: Settings, now: str | None = None, workers: int = 1,
                 env: dict[str, str] | None = None, timeout: float = 60, port: int | None = None) -> LiveServer:
    port = port or free_port()
    log = Path(settings.warehouse_dir).parent / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "w")  # noqa: SIM115 - kept open for the child's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", "statpub", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env={**cli_env(settings, now), **(env or {})}, stdout=handle, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return LiveServer(url, process, log)
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start within {timeout} s:\n{log.read_text()}")
