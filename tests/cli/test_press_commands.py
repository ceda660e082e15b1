"""The office's commands for pre-release access, run as real processes."""

from __future__ import annotations

import hashlib
import json

from tests.features.press.packs import open_pack
from tests.fixtures.press import TARGET, TIMES, private_site
from tests.helpers import run_cli


def test_pack_and_access_log_commands(tmp_path, demo_settings):
    site = private_site(tmp_path, demo_settings)
    run_cli("user", "add", "zhang", "--role", "reviewer", "--display-name", "张审 Zhang Shen", "--org", "示例市统计局",
            "--password-stdin", settings=site, input_text="zhang-reviewer-pw\n")
    run_cli("user", "add", "rui", "--role", "responder", "--display-name", "芮答 Rui Da", "--org", "示例市统计局",
            "--password-stdin", settings=site, input_text="rui-responder-pw\n")
    assert "no pre-release access logged" in run_cli("access-log", TARGET, settings=site).stdout
    refused = run_cli("pack", TARGET, "--out", str(tmp_path / "out"), settings=site, now=TIMES["window"])
    assert refused.returncode == 1 and "needs --user NAME" in refused.stderr
    responder = run_cli("pack", TARGET, "--out", str(tmp_path / "out"), "--user", "rui", settings=site,
                        now=TIMES["window"])
    assert responder.returncode == 1 and "no pre-release rights" in responder.stderr
    unknown = run_cli("pack", "no-such-release", settings=site, now=TIMES["after"])
    assert unknown.returncode == 1 and "no release 'no-such-release'" in unknown.stderr
    made = run_cli("pack", TARGET, "--out", str(tmp_path / "out"), "--user", "zhang", settings=site,
                   now=TIMES["window"], timeout=300)
    assert made.returncode == 0, made.stderr
    zip_path = tmp_path / "out" / f"EMBARGOED-until-2026-12-10-1000-Beijing_{TARGET}-briefing-pack.zip"
    assert str(zip_path) in made.stdout and zip_path.is_file()
    manifest = open_pack(zip_path).manifest
    assert manifest["generated_for"] == {"name": "zhang", "role": "reviewer", "via": "cli"}
    log = json.loads(run_cli("access-log", TARGET, "--json", settings=site).stdout)
    assert [(e["user_name"], e["what"], e["channel"]) for e in log] == [("zhang", "pack", "cli")]
    assert log[0]["sha256"] == hashlib.sha256(zip_path.read_bytes()).hexdigest()
    printed = run_cli("access-log", TARGET, settings=site)
    assert "zhang" in printed.stdout and "Zhang Shen" in printed.stdout and "Beijing time" in printed.stdout
    public = run_cli("pack", TARGET, "--out", str(tmp_path / "public"), settings=site, now=TIMES["after"], timeout=300)
    assert public.returncode == 0 and (tmp_path / "public" / f"{TARGET}-briefing-pack.zip").is_file()
    assert len(json.loads(run_cli("access-log", TARGET, "--json", settings=site).stdout)) == 1
