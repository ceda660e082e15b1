"""`statpub messages` and `statpub applications`: lists (overdue, JSON) without text or contact
data, the daily summary, the yearly report, retention; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta

from statpub.cli.main import main
from statpub.features.messages.board import Subject
from statpub.features.messages.service import Office
from statpub.kernel.clock import BEIJING
from statpub.kernel.config import Settings
from statpub.store import open_store
from tests.paths import REPO_ROOT


def test_lists_summary_and_report(tmp_path, monkeypatch, capsys, store_engine, request):
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(REPO_ROOT / "calendar.yaml", root / "calendar.yaml")
    shutil.copy(REPO_ROOT / "workdays.yaml", root / "workdays.yaml")
    (root / "releases").mkdir()
    settings = Settings(root=root, warehouse_dir=root / "warehouse" / "data")
    if store_engine == "postgresql":  # the commands find the store as the site does: STATPUB_DATABASE_URL
        settings = replace(settings, database_url=request.getfixturevalue("database_url")())
        monkeypatch.setenv("STATPUB_DATABASE_URL", settings.database_url)
        request.addfinalizer(open_store(settings).close)
    office = Office(settings)
    sent = datetime(2026, 3, 2, 9, tzinfo=BEIJING)
    message = office.board.submit(Subject("topic", "prices", "prices"), "error", "表3的数据有误，请核实。",
                                  rating=None, contact="private@example.org", lang="zh", client_hash="c", now=sent)
    office.applications.intake(sent, channel="online", applicant_type="company", applicant_name="秘密公司",
                               id_type="代码", id_number="913100", contact="x@example.org", address="地址",
                               description="所需信息的描述", preferred_form="paper", preferred_channel="post")
    monkeypatch.setenv("STATPUB_NOW", (sent + timedelta(days=30)).isoformat())
    args = ["--root", str(root)]
    monkeypatch.setenv("STATPUB_WAREHOUSE", str(settings.warehouse_dir))
    assert main([*args, "messages", "list", "--overdue", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [m["code"] for m in listed] == [message.code] and listed[0]["overdue"]
    assert main([*args, "messages", "summary", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["overdue"][0]["code"] == message.code and "private@" not in out and "表3" not in out
    assert json.loads(out)["applications"]["overdue"][0]["number"] == "2026-00001" and "秘密公司" not in out
    assert main([*args, "messages", "stats", "2026"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["received"] == 1
    assert main([*args, "applications", "list", "--overdue", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)[0]["number"] == "2026-00001" and "秘密公司" not in out and "913100" not in out
    assert main([*args, "applications", "report", "2026"]) == 0
    assert json.loads(capsys.readouterr().out)["new"]["company"] == 1
    assert main([*args, "messages", "list"]) == 0 and message.code in capsys.readouterr().out
