"""The distribution as an office installs it: a wheel built from this checkout and installed into a
fresh virtual environment, offline, loads and serves a content root outside any checkout, finds its
migrations, stylesheet and JavaScript, and refuses to guess a content root it does not have."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.helpers import free_port
from tests.paths import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the statpub wheel. Its dependencies come from this environment's
    site-packages (a path entry, so nothing is downloaded): only statpub itself is the wheel."""
    work = tmp_path_factory.mktemp("wheel")
    # setuptools reuses the checkout's build/ (ignored by git): modules deleted since a former build
    # would travel in the wheel. Build from what the tree holds now.
    shutil.rmtree(REPO_ROOT / "build", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(work / "dist"), str(REPO_ROOT)], check=True, timeout=600)
    [wheel] = (work / "dist").glob("statpub-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
                   check=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "statpub_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_wheel_holds_one_import_package_with_its_data(installed: Path):
    [wheel] = (installed.parent / "dist").glob("statpub-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"statpub"}
    assert "statpub/warehouse/migrations/001_initial.sql" in names
    assert "statpub/features/press/migrations/001_prerelease.sqlite.sql" in names
    assert "statpub/review/templates/office/releases/_release/data.csv" in names  # `statpub init`
    assert "statpub/review/templates/office/.gitignore" in names
    assert not [n for n in names if "/data/" in n or "__pycache__" in n]


def test_installed_wheel_is_one_package_outside_the_checkout(installed: Path):
    python = installed / "bin" / "python"
    code = ("import statpub, statpub.warehouse.schema as s, statpub.dashboards.plotlyjs as p; "
            "print(statpub.__file__); print(len(s.migrations())); print(p.PACKAGE.is_dir())")
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True,
                         cwd=installed).stdout.split()
    assert out[0].startswith(str(installed)) and not out[0].startswith(str(REPO_ROOT))
    assert int(out[1]) >= 2  # the warehouse migrations are package data
    site = Path(out[0]).parents[1]
    installed_by_wheel = {line.split("/")[0] for line in next(site.glob("statpub-*.dist-info")).joinpath("RECORD")
                          .read_text().splitlines() if ".dist-info/" not in line and not line.startswith("..")}
    assert installed_by_wheel == {"statpub"}
    for name in ("etl", "warehouse", "dashboards", "review", "press"):
        assert not (site / name).exists()


def test_installed_statpub_loads_and_serves_a_content_root_elsewhere(installed: Path, tmp_path: Path):
    office = tmp_path / "office"
    office.mkdir()
    shutil.copy(REPO_ROOT / "calendar.yaml", office / "calendar.yaml")
    shutil.copytree(REPO_ROOT / "releases", office / "releases")
    statpub = str(installed / "bin" / "statpub")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STATPUB_NOW": "2026-12-10T10:00:05+08:00"}

    lost = subprocess.run([statpub, "calendar"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert lost.returncode == 1 and "no content root" in lost.stderr  # never falls back to a checkout

    loaded = subprocess.run([statpub, "load", "--quiet", "--root", str(office)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    assert (office / "warehouse" / "data" / "current").is_symlink()

    port = free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - a file, not a pipe nobody reads (it would fill)
    server = subprocess.Popen([statpub, "serve", "--root", str(office), "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "1"], cwd=tmp_path, env=env, stdout=log,
                              stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)  # not started yet, or its front answering 502 until gunicorn is up
        else:
            pytest.fail("the installed server did not start:\n" + (tmp_path / "serve.log").read_text()[-3000:])
        assert requests.get(url + "/api/v1/series/GDP/observations", timeout=30).json()["observations"]
        assert requests.get(url + "/assets/site.css", timeout=30).status_code == 200
        scripts = re.findall(r'<script src="([^"]+)"', requests.get(url + "/", timeout=30).text)
        assert scripts and all(requests.get(url + s, timeout=30).status_code == 200 for s in scripts)
        if (REPO_ROOT / "statpub/dashboards/vendor/node_modules/plotly.js-basic-dist-min").is_dir():
            assert any(s.startswith("/_statpub/js/") for s in scripts)  # the basic bundle travels in the wheel
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_installed_statpub_init_writes_an_office_that_loads(installed: Path, tmp_path: Path):
    """The templates of `statpub init` are package data: no checkout is needed to start an office."""
    statpub = str(installed / "bin" / "statpub")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STATPUB_NOW": "2026-12-10T10:00:05+08:00"}
    made = subprocess.run([statpub, "init", "office", "--name", "某市统计局", "--name-en", "Some City Statistics"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    loaded = subprocess.run([statpub, "load", "--quiet"], cwd=tmp_path / "office", env=env, capture_output=True,
                            text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    assert (tmp_path / "office" / "schema" / "catalogue.schema.json").is_file()
