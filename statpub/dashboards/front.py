"""The front `statpub serve` starts and owns: nginx (Debian's), in front of gunicorn.

gunicorn's threads read a request's body themselves, and nothing bounds how long that read may
take: a few clients trickling a body a byte at a time hold every thread, and the site — /healthz
included — stops answering (the probe's finding 4). nginx reads each request whole, headers and
body, with timeouts, in its event loop, and hands gunicorn only complete requests over a Unix socket
in a private folder (no one reaches gunicorn but through it). It also refuses bodies over the
site's limit and request lines over its size, and says no version.

Behind it the app counts one more trusted proxy (the client address, scheme and host come from
the headers nginx adds; a client's own X-Forwarded-* are never believed beyond what
STATPUB_TRUSTED_PROXIES says about the proxies in front of statpub).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from statpub.dashboards.http import MAX_BODY_BYTES
from statpub.kernel.errors import StatpubError

ENV_FRONT = "STATPUB_FRONT"  # nginx (default) | none: gunicorn alone (behind a buffering proxy of your own)
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
READ_TIMEOUT = 15  # seconds a client may take to send its headers, or between two reads of its body
UPSTREAM_TIMEOUT = 120  # seconds gunicorn may take to answer (briefing packs take a few)

_CONFIG = """\
# Written by `statpub serve`; lives as long as it does.
worker_processes {workers};
{user}pid {run}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_header_timeout {timeout}s;
    client_body_timeout {timeout}s;
    send_timeout 60s;
    keepalive_timeout 30s;
    client_max_body_size {max_body};
    client_body_buffer_size 64k;
    large_client_header_buffers 4 8k;
    map $http_x_forwarded_proto $statpub_proto {{ "" $scheme; default "$http_x_forwarded_proto, $scheme"; }}
    map $http_x_forwarded_host $statpub_host {{ "" $http_host; default "$http_x_forwarded_host, $http_host"; }}
    upstream statpub {{ server unix:{socket}; keepalive 32; }}
    server {{
        listen {listen};
        # nginx itself refuses TRACE (and unknown methods) with 405: say what is allowed (RFC 9110),
        # in the site's JSON error shape.
        error_page 405 = @not_allowed;
        location @not_allowed {{
            add_header Allow "GET, HEAD, POST, OPTIONS" always;
            default_type application/json;
            return 405 '{{"status":405,"code":"method_not_allowed","title":"Method Not Allowed","message":"this method is not allowed here"}}';
        }}
        location / {{
            proxy_pass http://statpub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $statpub_proto;
            proxy_set_header X-Forwarded-Host $statpub_host;
            proxy_request_buffering on;
            proxy_read_timeout {upstream_timeout}s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def listen_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass
class Front:
    """nginx listening on host:port for gunicorn on `socket`, with its files in `run_dir`."""

    host: str
    port: int
    run_dir: Path
    workers: int = 1
    process: subprocess.Popen | None = None

    @property
    def socket(self) -> Path:
        return self.run_dir / "gunicorn.sock"

    def config(self) -> str:
        return _CONFIG.format(workers=self.workers, run=self.run_dir, timeout=READ_TIMEOUT, max_body=MAX_BODY_BYTES,
                              socket=self.socket, listen=listen_address(self.host, self.port),
                              upstream_timeout=UPSTREAM_TIMEOUT,
                              # as root, nginx would hand its workers to `nobody`, who cannot reach the socket
                              user="user root root;\n" if os.geteuid() == 0 else "")

    def start(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise StatpubError("statpub serve runs behind nginx, which is not installed: `apt-get install nginx` "
                               "(make serve does), or --front none behind a buffering proxy of your own")
        path = self.run_dir / "nginx.conf"
        path.write_text(self.config(), encoding="utf-8")
        test = subprocess.run([binary, "-t", "-q", "-p", str(self.run_dir), "-c", str(path)], capture_output=True,
                              text=True)
        if test.returncode != 0:
            raise StatpubError(f"nginx refused its configuration: {test.stderr.strip()}")
        self.process = subprocess.Popen([binary, "-p", str(self.run_dir), "-c", str(path), "-g", "daemon off;"])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def watch(self, on_exit) -> None:
        """Call `on_exit()` if nginx dies: the site is unreachable without it."""
        def wait() -> None:
            while self.process is not None and self.process.poll() is None:
                time.sleep(0.5)
            on_exit()
        threading.Thread(target=wait, name="statpub-front-watch", daemon=True).start()


def private_run_dir() -> Path:
    """A folder only this user can enter: gunicorn's socket lives there."""
    path = Path(tempfile.mkdtemp(prefix="statpub-serve-"))
    path.chmod(0o700)
    return path
