"""What the gunicorn master imports for its workers (statpub/dashboards/server.py): every module a
worker's threads may look up in `sys.modules` without importing it must be whole before the fork."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import cli_env


def test_modules_plotly_reads_without_importing_are_whole_in_the_master():
    # plotly's JSON encoder (every Dash callback's answer) uses sys.modules.get for these.
    code = ("import json, sys; from statpub.dashboards.server import import_for_workers; import_for_workers(); "
            "from plotly.io import _json; "
            "print(json.dumps({name: hasattr(sys.modules.get(name), attr) "
            "for name, attr in (('PIL.Image', 'Image'), ('pandas', 'Series'), ('numpy', 'ndarray'))}))")
    done = subprocess.run([sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"PIL.Image": True, "pandas": True, "numpy": True}
