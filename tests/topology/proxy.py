"""nginx from Debian in front of the app nodes, with the repository's configuration
(deploy/nginx/statpub.conf.template) rendered for a temporary folder and a free port."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from tests.helpers import free_port
from tests.paths import REPO_ROOT

TEMPLATE = REPO_ROOT / "deploy" / "nginx" / "statpub.conf.template"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx not found: run tools/install_system_deps.sh (Debian package nginx-light)")
    return found


def render(upstreams: list[str], listen: str, run_dir: Path, workers: int = 2) -> str:
    servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=3s;" for u in upstreams)
    values = {"USER_DIRECTIVE": "user root;" if os.geteuid() == 0 else "", "WORKERS": workers,
              "RUN_DIR": run_dir, "CACHE_DIR": run_dir / "cache", "UPSTREAM_SERVERS": servers, "LISTEN": listen}
    text = TEMPLATE.read_text()
    for name, value in values.items():  # nginx's own $variables stay as they are
        text = text.replace("${" + name + "}", str(value))
    return text


class CachingProxy:
    def __init__(self, upstreams: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = Path(tempfile.mkdtemp(prefix="statpub-nginx-"))
        self.config = self.base / "nginx.conf"
        try:
            self.config.write_text(render(upstreams, f"127.0.0.1:{self.port}", self.base))
        except BaseException:
            shutil.rmtree(self.base, ignore_errors=True)
            raise
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> CachingProxy:
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-c", str(self.config), "-e", str(self.base / "error.log")],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
        self.process = subprocess.Popen([binary, "-c", str(self.config), "-e", str(self.base / "error.log"),
                                         "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.base / 'error.log').read_text(errors='replace')}")
            try:
                requests.get(self.url + "/healthz", timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("nginx did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
